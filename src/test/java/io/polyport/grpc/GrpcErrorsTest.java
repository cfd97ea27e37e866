package io.polyport.grpc;

import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.polyport.domain.ErrorCode;
import io.vertx.core.http.HttpClosedException;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedChannelException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A write that fails because the call's stream or connection closed under it is the client gone (CANCELLED, logged
 * at debug), not an unexpected failure: a Feed client that closed its socket with answers unread was logged as an
 * ERROR ("Stream closed before write could take place"), and so was an import cut by the server's stop.
 */
class GrpcErrorsTest {
  static ErrorCode code(Throwable failure) {
    return GrpcErrors.domain(failure, "test/Call").code();
  }

  @Test
  void aStreamOrConnectionClosedUnderAWriteIsTheClientGone() {
    assertThat(code(Http2Exception.streamError(3, Http2Error.STREAM_CLOSED, "Stream closed before write could take place")))
        .isEqualTo(ErrorCode.CANCELLED);
    assertThat(code(new ClosedChannelException())).isEqualTo(ErrorCode.CANCELLED);
    assertThat(code(new HttpClosedException("Connection was closed"))).isEqualTo(ErrorCode.CANCELLED);
    assertThat(code(new RuntimeException("write failed", new ClosedChannelException()))).isEqualTo(ErrorCode.CANCELLED);
  }

  @Test
  void anythingElseIsStillInternal() {
    assertThat(code(new IllegalStateException("a bug"))).isEqualTo(ErrorCode.INTERNAL);
    assertThat(code(Http2Exception.streamError(3, Http2Error.PROTOCOL_ERROR, "bad"))).isEqualTo(ErrorCode.INTERNAL);
  }
}
