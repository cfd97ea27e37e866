package io.polyport.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * gRPC-Web framing by hand, as the protocol describes it: a frame is one flag byte (0x00 message, 0x80
 * trailers), a 4-byte big-endian length and the payload; the trailer frame's payload is HTTP/1-style
 * header lines. Text mode is the base64 of the same bytes (possibly several padded base64 chunks).
 */
public final class GrpcWebFrames {
  public static final int MESSAGE = 0x00;
  public static final int TRAILERS = 0x80;

  /** One frame. */
  public record Frame(int flag, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.US_ASCII);
    }
  }

  private GrpcWebFrames() {
  }

  /** A message frame carrying {@code message}. */
  public static Buffer frame(byte[] message) {
    return Buffer.buffer().appendByte((byte) MESSAGE).appendInt(message.length).appendBytes(message);
  }

  /** The frames of a response body; fails if the body does not split exactly into frames. */
  public static List<Frame> parse(Buffer body) {
    List<Frame> frames = new ArrayList<>();
    int at = 0;
    while (at < body.length()) {
      if (body.length() - at < 5) {
        throw new AssertionError("a truncated frame header at byte " + at + " of " + body.length());
      }
      int flag = body.getUnsignedByte(at);
      int length = body.getInt(at + 1);
      if (at + 5 + length > body.length()) {
        throw new AssertionError("a truncated frame at byte " + at + ": " + length + " bytes announced");
      }
      frames.add(new Frame(flag, body.getBytes(at + 5, at + 5 + length)));
      at += 5 + length;
    }
    return frames;
  }

  /** Base64 of possibly several padded chunks, decoded four characters at a time. */
  public static Buffer decodeText(String text) {
    Buffer out = Buffer.buffer();
    String compact = text.replaceAll("\\s", "");
    if (compact.length() % 4 != 0) {
      throw new AssertionError("not base64 in groups of four: " + compact.length() + " characters");
    }
    for (int i = 0; i < compact.length(); i += 4) {
      out.appendBytes(Base64.getDecoder().decode(compact.substring(i, i + 4)));
    }
    return out;
  }

  /** The trailers: the lines of the trailer frame, or (trailers-only answer) the grpc-* response headers. */
  public static Map<String, String> trailers(List<Frame> frames, MultiMap headers) {
    Map<String, String> trailers = new LinkedHashMap<>();
    headers.forEach((name, value) -> {
      if (name.toLowerCase().startsWith("grpc-")) {
        trailers.put(name.toLowerCase(), value);
      }
    });
    for (Frame frame : frames) {
      if (frame.flag() == TRAILERS) {
        for (String line : frame.text().split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon > 0) {
            trailers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
          }
        }
      }
    }
    return trailers;
  }
}
