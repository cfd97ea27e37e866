package io.polyport.support;

import io.polyport.domain.ServiceException;
import io.vertx.core.buffer.Buffer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * Text of a REST body, an NDJSON line or a gRPC JSON message from its UTF-8 bytes, refusing malformed ones: Buffer.toString swaps them
 * for U+FFFD without a word, so a user sent with a raw 0xFF byte was stored altered, where gRPC refuses the same
 * bytes ("Protocol message had invalid UTF-8"). The JDK's decoder reads well-formed text at full speed; only text
 * that came out with a U+FFFD in it (sent as such, or replaced) is decoded a second time, strictly.
 */
public final class StrictUtf8 {
  private StrictUtf8() {
  }

  /** The text of {@code bytes[start, end)}; INVALID_ARGUMENT "{@code what} is not valid UTF-8" when malformed. */
  public static String decode(Buffer bytes, int start, int end, String what) {
    String text = bytes.getString(start, end, "UTF-8");
    if (text.indexOf('\uFFFD') < 0) {
      return text;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes.getBytes(start, end))).toString();
    } catch (CharacterCodingException e) {
      throw ServiceException.invalid(what + " is not valid UTF-8");
    }
  }

  public static String decode(Buffer bytes, String what) {
    return decode(bytes, 0, bytes.length(), what);
  }
}
