package io.polyport.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.polyport.domain.User;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * A user as the proto3 JSON {@link ProtoJson} prints for {@code polyport.users.v1.User}, written straight from
 * the domain record with Jackson's streaming generator: building the message and printing it by reflection
 * was most of the CPU of a long REST list. Same fields in field order (only {@code age} has presence), same
 * RFC 3339 timestamps, same escapes as JsonFormat's Gson (HTML characters, U+2028/U+2029, lowercase hex), so
 * the output is byte for byte JsonFormat's except that characters beyond the BMP are written as escaped
 * surrogate pairs instead of raw UTF-8 (an unpaired surrogate is escaped as well, where JsonFormat's string
 * became a '?' in UTF-8). Jackson 2.18's raw-UTF-8 option, COMBINE_UNICODE_SURROGATES_IN_UTF8, corrupts
 * some BMP characters (jackson-core#1359), so it stays off.
 */
public final class UserJson {
  private static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .rootValueSeparator((String) null)
      .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
      .characterEscapes(new GsonEscapes())
      .build();
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString EMAIL = new SerializedString("email");
  private static final SerializedString AGE = new SerializedString("age");
  private static final SerializedString TAGS = new SerializedString("tags");
  private static final SerializedString CREATE_TIME = new SerializedString("createTime");
  private static final SerializedString UPDATE_TIME = new SerializedString("updateTime");
  private static final SerializedString VERSION = new SerializedString("version");

  /** One generator per thread, writing each user into whatever buffer the caller passes: none per user. */
  private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

  private UserJson() {
  }

  /** The user's JSON in a new buffer. */
  public static Buffer toBuffer(User u) {
    return write(u, Buffer.buffer(256));
  }

  /** Appends the user's JSON (one line, no trailing newline) to {@code out} and returns {@code out}. */
  public static Buffer write(User u, Buffer out) {
    Writer w = WRITER.get();
    w.sink.target = out;
    try {
      w.write(u);
      return out;
    } catch (IOException | RuntimeException e) {
      WRITER.remove(); // the generator may be left mid-value: this thread starts over with a new one
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    } finally {
      w.sink.target = null;
    }
  }

  private static final class Writer {
    final BufferSink sink = new BufferSink();
    final JsonGenerator gen;
    /** ISO_INSTANT prints 0, 3, 6 or 9 fraction digits as Timestamps.toString does, at a fraction of the cost. */
    final StringBuilder time = new StringBuilder(40);
    /** The longest Instant, +1000000000-12-31T23:59:59.999999999Z, has 37 characters. */
    final char[] chars = new char[40];

    Writer() {
      try {
        gen = FACTORY.createGenerator(sink);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void write(User u) throws IOException {
      gen.writeStartObject();
      gen.writeFieldName(ID);
      gen.writeString(u.id());
      gen.writeFieldName(NAME);
      gen.writeString(u.name());
      gen.writeFieldName(EMAIL);
      gen.writeString(u.email());
      if (u.age() != null) {
        gen.writeFieldName(AGE);
        gen.writeNumber(u.age().intValue());
      }
      gen.writeFieldName(TAGS);
      gen.writeStartArray();
      for (String tag : u.tags()) {
        gen.writeString(tag);
      }
      gen.writeEndArray();
      timestamp(CREATE_TIME, u.createTime());
      timestamp(UPDATE_TIME, u.updateTime());
      gen.writeFieldName(VERSION);
      gen.writeNumber(u.version());
      gen.writeEndObject();
      gen.flush();
    }

    private void timestamp(SerializedString name, Instant t) throws IOException {
      time.setLength(0);
      DateTimeFormatter.ISO_INSTANT.formatTo(t, time);
      int n = time.length();
      time.getChars(0, n, chars, 0);
      gen.writeFieldName(name);
      gen.writeString(chars, 0, n);
    }
  }

  /** Where the generator flushes to: the caller's buffer of the moment. */
  private static final class BufferSink extends OutputStream {
    Buffer target;

    @Override
    public void write(int b) {
      target.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      target.appendBytes(b, off, len);
    }
  }

  /** Gson's (so JsonFormat's) extra escapes: the HTML-significant ASCII characters and the JavaScript line breaks. */
  private static final class GsonEscapes extends CharacterEscapes {
    private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
    private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");
    private final int[] ascii = standardAsciiEscapesForJSON();

    GsonEscapes() {
      for (char c : new char[] {'<', '>', '&', '=', '\''}) {
        ascii[c] = ESCAPE_STANDARD;
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == '\u2028' ? LINE_SEPARATOR : ch == '\u2029' ? PARAGRAPH_SEPARATOR : null;
    }
  }
}
