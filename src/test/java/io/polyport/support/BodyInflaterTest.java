package io.polyport.support;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BodyInflater on its own: gzip (every header field, several members), zlib and raw deflate, whatever the chunks;
 * every truncation, a corrupt CRC-32 or length, data that is not gzip: each an Undecodable that says which.
 */
class BodyInflaterTest {
  static final String TEXT = "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}\n".repeat(500);
  static final String PREFIX = "the request body cannot be decompressed: ";

  static byte[] gzip(String text) throws IOException {
    var out = new ByteArrayOutputStream();
    try (var gz = new GZIPOutputStream(out)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  static byte[] deflate(String text, boolean zlib) throws IOException {
    var out = new ByteArrayOutputStream();
    try (var d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, !zlib))) {
      d.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return out.toByteArray();
  }

  /** A gzip member with every optional header field (extra, name, comment, header CRC), as RFC 1952 lays it out. */
  static byte[] gzipWithEveryHeaderField(String text) throws IOException {
    var header = new ByteArrayOutputStream();
    header.write(new byte[] {0x1f, (byte) 0x8b, 8, 2 | 4 | 8 | 16, 0, 0, 0, 0, 0, 3});
    header.write(new byte[] {3, 0, 'a', 'b', 'c'});
    header.write("users.ndjson\0a comment\0".getBytes(StandardCharsets.ISO_8859_1));
    var crc = new CRC32();
    crc.update(header.toByteArray());
    header.write(new byte[] {(byte) crc.getValue(), (byte) (crc.getValue() >> 8)});
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    header.write(deflate(text, false));
    crc.reset();
    crc.update(data);
    for (long v : new long[] {crc.getValue(), data.length}) {
      header.write(new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)});
    }
    return header.toByteArray();
  }

  /** Feeds {@code body} in chunks of {@code chunk} bytes, taking pieces of at most 1000 bytes; the inflated text. */
  static String inflate(BodyInflater.Coding coding, byte[] body, int chunk) {
    var inflater = new BodyInflater(coding);
    var out = Buffer.buffer();
    for (int at = 0; at < body.length; at += chunk) {
      inflater.add(Buffer.buffer(Arrays.copyOfRange(body, at, Math.min(body.length, at + chunk))));
      for (Buffer piece; (piece = inflater.next(1000)) != null; ) {
        assertThat(piece.length()).isBetween(1, 1000);
        out.appendBuffer(piece);
      }
    }
    inflater.finish();
    return out.toString(StandardCharsets.UTF_8);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @Test
  void readsEveryFormWhateverTheChunks() throws IOException {
    for (int chunk : new int[] {1, 2, 7, 100, 1 << 20}) {
      assertThat(inflate(BodyInflater.Coding.GZIP, gzip(TEXT), chunk)).isEqualTo(TEXT);
      assertThat(inflate(BodyInflater.Coding.GZIP, gzipWithEveryHeaderField(TEXT), chunk)).isEqualTo(TEXT);
      assertThat(inflate(BodyInflater.Coding.GZIP, concat(gzip(TEXT), gzipWithEveryHeaderField("and more")), chunk))
          .isEqualTo(TEXT + "and more");
      assertThat(inflate(BodyInflater.Coding.DEFLATE, deflate(TEXT, true), chunk)).isEqualTo(TEXT);
      assertThat(inflate(BodyInflater.Coding.DEFLATE, deflate(TEXT, false), chunk)).isEqualTo(TEXT);
    }
    assertThat(inflate(BodyInflater.Coding.GZIP, new byte[0], 1)).isEmpty();
  }

  @Test
  void everyTruncationIsReported() throws IOException {
    for (byte[] whole : new byte[][] {gzip(TEXT), gzipWithEveryHeaderField(TEXT)}) {
      for (int length = 1; length < whole.length; length++) {
        byte[] cut = Arrays.copyOf(whole, length);
        assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, cut, 50)).as("cut at %d", length)
            .isInstanceOf(BodyInflater.Undecodable.class).hasMessage(PREFIX + "the gzip data is truncated");
      }
    }
    byte[] zlib = deflate(TEXT, true);
    for (int length = 1; length < zlib.length; length++) {
      byte[] cut = Arrays.copyOf(zlib, length);
      assertThatThrownBy(() -> inflate(BodyInflater.Coding.DEFLATE, cut, 50)).as("cut at %d", length)
          .isInstanceOf(BodyInflater.Undecodable.class).hasMessageStartingWith(PREFIX + "the deflate data is");
    }
  }

  @Test
  void corruptionIsReported() throws IOException {
    byte[] body = gzip(TEXT);
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, "not gzip at all".getBytes(StandardCharsets.UTF_8), 4))
        .hasMessage(PREFIX + "it is not gzip data");
    byte[] badCrc = body.clone();
    badCrc[body.length - 8] ^= 1;
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, badCrc, 64))
        .hasMessage(PREFIX + "the gzip data is corrupt (its CRC-32 does not match the data)");
    byte[] badLength = body.clone();
    badLength[body.length - 1] ^= 1;
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, badLength, 64))
        .hasMessage(PREFIX + "the gzip data is corrupt (its length does not match the data)");
    byte[] badMethod = body.clone();
    badMethod[2] = 7;
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, badMethod, 64))
        .hasMessage(PREFIX + "the gzip data is corrupt (unknown compression method 7)");
    byte[] badHeaderCrc = gzipWithEveryHeaderField(TEXT);
    badHeaderCrc[15] ^= 1; // a letter of the file name
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, badHeaderCrc, 64))
        .hasMessage(PREFIX + "the gzip data is corrupt (its header checksum does not match)");
    byte[] garbageAfter = concat(body, "!!".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, garbageAfter, 64)).hasMessage(PREFIX + "it is not gzip data");
    byte[] zlibGarbageAfter = concat(deflate(TEXT, true), new byte[] {1});
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.DEFLATE, zlibGarbageAfter, 64))
        .hasMessage(PREFIX + "the deflate data is corrupt (data follows its end)");
    byte[] badData = body.clone();
    badData[10] = (byte) 0xFF; // the first block's header: block type 3 does not exist
    assertThatThrownBy(() -> inflate(BodyInflater.Coding.GZIP, badData, 64))
        .hasMessageStartingWith(PREFIX + "the gzip data is corrupt (");
  }
}
