package io.polyport.support;

import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates a request body sent with {@code Content-Encoding: gzip} or {@code deflate}, piece by piece as its bytes
 * come, checking all of it: the gzip header, the deflate data, each member's CRC-32 and length (several gzip members
 * may follow each other, as RFC 1952 allows), the zlib checksum of a deflate body (raw deflate is read too, as
 * Netty's decoder reads it), and at the end that the stream was complete. Anything wrong is an {@link Undecodable}
 * that says what; an empty body stays empty. Not thread-safe: one request's event loop uses it.
 */
public final class BodyInflater {
  /** The codings read: gzip (x-gzip) and deflate (x-deflate), as one coding; null for any other value. */
  public enum Coding { GZIP, DEFLATE }


  private enum State { HEADER, DATA, TRAILER, MEMBER_END }

  private final Coding coding;
  private final CRC32 crc = new CRC32();
  private Inflater inflater;
  private ByteBuffer input = ByteBuffer.allocate(0);
  private boolean received;
  private State state = State.HEADER;
  private long memberBytes;

  /** A body that cannot be inflated; the message says why, for the client. */
  public static final class Undecodable extends RuntimeException {
    Undecodable(String why) {
      super("the request body cannot be decompressed: " + why, null, false, false);
    }
  }

  public BodyInflater(Coding coding) {
    this.coding = coding;
  }

  public static Coding coding(String contentEncoding) {
    if (contentEncoding == null) {
      return null;
    }
    return switch (contentEncoding.strip().toLowerCase(Locale.ROOT)) {
      case "gzip", "x-gzip" -> Coding.GZIP;
      case "deflate", "x-deflate" -> Coding.DEFLATE;
      default -> null;
    };
  }

  /** An output array not handed on, for the next call (a call that needed more input allocated 32 KiB for nothing). */
  private byte[] spare;

  /** More compressed bytes (copied: the caller's buffer may be reused). */
  public void add(Buffer chunk) {
    if (chunk.length() == 0) {
      return;
    }
    received = true;
    byte[] bytes = chunk.getBytes();
    if (input.hasRemaining()) {
      input = ByteBuffer.allocate(input.remaining() + bytes.length).put(input).put(bytes).flip();
    } else {
      input = ByteBuffer.wrap(bytes);
    }
  }

  /** The next piece of inflated bytes, at most {@code maxBytes}; null when more input is needed first. */
  public Buffer next(int maxBytes) {
    while (true) {
      switch (state) {
        case MEMBER_END -> {
          if (!input.hasRemaining()) {
            return null;
          }
          if (coding == Coding.DEFLATE) {
            throw corrupt("data follows its end");
          }
          state = State.HEADER; // another gzip member
        }
        case HEADER -> {
          if (!header()) {
            return null;
          }
          state = State.DATA;
        }
        case DATA -> {
          Buffer piece = inflate(maxBytes);
          if (piece != null || state == State.DATA) {
            return piece;
          }
        }
        case TRAILER -> {
          if (!trailer()) {
            return null;
          }
          state = State.MEMBER_END;
        }
      }
    }
  }

  /**
   * The body ended (call once {@link #next} returned null): checks that the compressed stream was complete and frees
   * the inflater.
   */
  public void finish() {
    release();
    if (state != State.MEMBER_END && received) {
      throw new Undecodable("the " + name() + " data is truncated");
    }
  }

  /** Frees the inflater's native memory (also when the body is abandoned). */
  public void release() {
    if (inflater != null) {
      inflater.end();
    }
  }

  private Buffer inflate(int maxBytes) {
    byte[] out = spare != null && spare.length == maxBytes ? spare : new byte[maxBytes];
    spare = null;
    int n;
    try {
      inflater.setInput(input);
      n = inflater.inflate(out);
    } catch (DataFormatException e) {
      throw corrupt(e.getMessage());
    }
    if (n == 0) {
      spare = out; // the array of a call that needed more input serves the next
      if (inflater.finished()) {
        state = coding == Coding.GZIP ? State.TRAILER : State.MEMBER_END;
      } else if (inflater.needsDictionary()) {
        throw corrupt("it needs a preset dictionary");
      }
      return null;
    }
    crc.update(out, 0, n);
    memberBytes += n;
    if (n >= maxBytes / 2) {
      return BufferInternal.buffer(Unpooled.wrappedBuffer(out, 0, n));
    }
    spare = out; // a mostly empty array is not pinned: its bytes are copied, and it serves the next call
    return BufferInternal.buffer(Unpooled.wrappedBuffer(Arrays.copyOf(out, n)));
  }

  /** Reads a gzip member's header (or picks zlib or raw deflate); false when it has not all come yet. */
  private boolean header() {
    if (coding == Coding.DEFLATE) {
      if (input.remaining() < 2) {
        return false;
      }
      int cmf = input.get(input.position()) & 0xFF;
      int flg = input.get(input.position() + 1) & 0xFF;
      boolean zlib = (cmf & 0x0F) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
      inflater = new Inflater(!zlib);
      return true;
    }
    int length = GzipHeader.length(input);
    if (length < 0) {
      return false;
    }
    input.position(input.position() + length);
    if (inflater == null) {
      inflater = new Inflater(true);
    }
    return true;
  }

  /** Checks a gzip member's CRC-32 and length (modulo 2^32); false when they have not come yet. */
  private boolean trailer() {
    if (input.remaining() < 8) {
      return false;
    }
    ByteBuffer in = input.order(ByteOrder.LITTLE_ENDIAN);
    long expectedCrc = in.getInt() & 0xFFFFFFFFL;
    long expectedLength = in.getInt() & 0xFFFFFFFFL;
    if (expectedCrc != crc.getValue()) {
      throw corrupt("its CRC-32 does not match the data");
    }
    if (expectedLength != (memberBytes & 0xFFFFFFFFL)) {
      throw corrupt("its length does not match the data");
    }
    crc.reset();
    memberBytes = 0;
    inflater.reset();
    return true;
  }

  private Undecodable corrupt(String why) {
    return new Undecodable("the " + name() + " data is corrupt (" + why + ")");
  }

  private String name() {
    return coding == Coding.GZIP ? "gzip" : "deflate";
  }
}
