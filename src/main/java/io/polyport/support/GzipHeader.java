package io.polyport.support;

import io.polyport.support.BodyInflater.Undecodable;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;

/** A gzip member's header (RFC 1952 2.3): its length once it has all come, every field and flag checked. */
final class GzipHeader {
  private static final int MAX_BYTES = 64 * 1024;
  private static final int FHCRC = 2;
  private static final int FEXTRA = 4;
  private static final int FNAME = 8;
  private static final int FCOMMENT = 16;
  private static final int RESERVED_FLAGS = 0xE0;

  private GzipHeader() {
  }

  /** The header's length at the start of {@code input} (not moved); -1 when it has not all come yet. */
  static int length(ByteBuffer input) {
    ByteBuffer in = input.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (in.remaining() >= 1 && (in.get(in.position()) & 0xFF) != 0x1F
        || in.remaining() >= 2 && (in.get(in.position() + 1) & 0xFF) != 0x8B) {
      throw new Undecodable("it is not gzip data");
    }
    if (in.remaining() < 10) {
      return pending(input);
    }
    int method = in.get(in.position() + 2) & 0xFF;
    int flags = in.get(in.position() + 3) & 0xFF;
    if (method != 8) {
      throw corrupt("unknown compression method " + method);
    }
    if ((flags & RESERVED_FLAGS) != 0) {
      throw corrupt("reserved header flags are set");
    }
    int start = in.position();
    in.position(start + 10);
    if ((flags & FEXTRA) != 0) {
      if (in.remaining() < 2 || in.remaining() < 2 + (in.getShort(in.position()) & 0xFFFF)) {
        return pending(input);
      }
      in.position(in.position() + 2 + (in.getShort(in.position()) & 0xFFFF));
    }
    for (int flag : new int[] {FNAME, FCOMMENT}) {
      if ((flags & flag) != 0 && !skipZeroTerminated(in)) {
        return pending(input);
      }
    }
    if ((flags & FHCRC) != 0) {
      if (in.remaining() < 2) {
        return pending(input);
      }
      CRC32 headerCrc = new CRC32();
      headerCrc.update(input.duplicate().limit(in.position()));
      if ((in.getShort() & 0xFFFF) != (headerCrc.getValue() & 0xFFFF)) {
        throw corrupt("its header checksum does not match");
      }
    }
    return in.position() - start;
  }

  private static int pending(ByteBuffer input) {
    if (input.remaining() > MAX_BYTES) {
      throw corrupt("its header is longer than " + MAX_BYTES + " bytes");
    }
    return -1;
  }

  private static boolean skipZeroTerminated(ByteBuffer in) {
    while (in.hasRemaining()) {
      if (in.get() == 0) {
        return true;
      }
    }
    return false;
  }

  private static Undecodable corrupt(String why) {
    return new Undecodable("the gzip data is corrupt (" + why + ")");
  }
}
