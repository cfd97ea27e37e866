package io.polyport.bench;

import io.polyport.testing.GrpcWebFrames;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The bench's gRPC list count: exact however the body is cut, and a cut-off body is not whole. */
class MessageCounterTest {
  @Test
  void countsEveryMessageWhereverTheChunksEnd() {
    int[] sizes = {0, 1, 4, 5, 70, 300, 3, 16_000, 12};
    Buffer body = Buffer.buffer();
    for (int size : sizes) {
      body.appendBuffer(GrpcWebFrames.frame(new byte[size]));
    }
    for (int cut = 1; cut <= 64; cut++) {
      MessageCounter counter = new MessageCounter();
      for (int at = 0; at < body.length(); at += cut) {
        counter.accept(body.slice(at, Math.min(body.length(), at + cut)));
      }
      assertThat(counter.messages()).as("chunks of %d", cut).isEqualTo(sizes.length);
      assertThat(counter.whole()).isTrue();
    }
    MessageCounter truncated = new MessageCounter();
    truncated.accept(body.slice(0, body.length() - 1));
    assertThat(truncated.whole()).isFalse();
  }
}
