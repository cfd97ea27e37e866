package io.polyport.bench;

import io.vertx.core.buffer.Buffer;

/**
 * Counts the length-prefixed gRPC messages of a response body as its chunks arrive, reading only each
 * message's 5-byte prefix (which may straddle two chunks) and skipping its payload.
 */
final class MessageCounter {
  private static final int PREFIX = 5;
  private final byte[] prefix = new byte[PREFIX];
  private int prefixHave;
  private long skip;
  private long messages;

  void accept(Buffer chunk) {
    int at = 0;
    int length = chunk.length();
    while (at < length) {
      if (skip > 0) {
        int n = (int) Math.min(skip, length - at);
        skip -= n;
        at += n;
        continue;
      }
      prefix[prefixHave++] = chunk.getByte(at++);
      if (prefixHave == PREFIX) {
        prefixHave = 0;
        messages++;
        skip = ((prefix[1] & 0xFFL) << 24) | ((prefix[2] & 0xFFL) << 16) | ((prefix[3] & 0xFFL) << 8) | (prefix[4] & 0xFFL);
      }
    }
  }

  /** The messages begun so far; with {@link #whole()}, the count of a complete body. */
  long messages() {
    return messages;
  }

  /** Whether the body ended on a message boundary. */
  boolean whole() {
    return skip == 0 && prefixHave == 0;
  }
}
