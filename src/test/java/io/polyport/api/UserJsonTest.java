package io.polyport.api;

import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;
import io.polyport.domain.User;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UserJson answers what ProtoJson printed for the same user: the same message when parsed back, the same
 * JSON values, the same bytes unless a string holds surrogates, always one line of valid UTF-8.
 */
class UserJsonTest {
  private static final long MIN_SECONDS = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
  private static final long MAX_SECONDS = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
  private static final String SPECIAL = "\"\\/<>&='\u007f\u0085\u00e9\u2028\u2029\ufeff\uffff";

  @Test
  void printsWhatProtoJsonPrintsForRandomUsers() throws Exception {
    Random random = new Random(20240611L);
    int sameBytes = 0;
    for (int i = 0; i < 20_000; i++) {
      // every other user within the BMP, whose JSON must be JsonFormat's byte for byte
      User user = user(random, i % 2 == 0);
      var proto = UserProtos.toProto(user);
      String expected = ProtoJson.print(proto);
      Buffer buffer = UserJson.toBuffer(user);
      String ours = utf8(buffer.getBytes());
      String what = "user " + i + ": " + expected;

      var parsed = io.polyport.users.v1.User.newBuilder();
      JsonFormat.parser().merge(ours, parsed);
      assertThat(parsed.build()).as(what).isEqualTo(proto);
      assertThat(new JsonObject(ours)).as(what).isEqualTo(new JsonObject(expected));
      assertThat(ours).as(what).doesNotContain("\n", "\r", "\u2028", "\u2029");
      if (!hasSurrogate(user)) {
        assertThat(ours).as(what).isEqualTo(expected);
        sameBytes++;
      }
    }
    assertThat(sameBytes).isGreaterThanOrEqualTo(10_000);
  }

  @Test
  void timestampsHaveTheFractionDigitsOfJsonFormat() {
    long[] nanos = {0, 100_000_000, 120_000_000, 123_000_000, 123_400_000, 123_456_000, 123_456_700, 1, 999_999_999};
    for (long seconds : new long[] {MIN_SECONDS, -1, 0, 1_700_000_000, MAX_SECONDS}) {
      for (long n : nanos) {
        Instant t = Instant.ofEpochSecond(seconds, n);
        JsonObject json = new JsonObject(UserJson.toBuffer(user(t)));
        assertThat(json.getString("createTime")).isEqualTo(Timestamps.toString(UserProtos.timestamp(t)));
      }
    }
  }

  @Test
  void appendsUsersOneAfterTheOtherWithNothingBetween() {
    var a = new User("a", "Ann", "ann@example.com", 30, List.of("x"), Instant.EPOCH, Instant.EPOCH, 1);
    var b = new User("b", "Bob", "bob@example.com", null, List.of(), Instant.EPOCH, Instant.EPOCH, 2);
    Buffer both = UserJson.write(b, UserJson.write(a, Buffer.buffer("[")).appendString(","));
    assertThat(both.toString()).isEqualTo("[" + ProtoJson.print(UserProtos.toProto(a)) + ","
        + ProtoJson.print(UserProtos.toProto(b)));
  }

  @Test
  void anUnpairedSurrogateIsEscapedAndKept() throws Exception {
    String name = "a\ud800b\udc00c\uff0c\ud83d";
    var user = new User("x", name, "", null, List.of(name), Instant.EPOCH, Instant.EPOCH, 0);
    String ours = utf8(UserJson.toBuffer(user).getBytes());
    assertThat(ours).contains("a\\ud800b\\udc00c\uff0c\\ud83d");
    assertThat(new JsonObject(ours).getString("name")).isEqualTo(name);
  }

  private static User user(Instant t) {
    return new User("id", "n", "e", 0, List.of(), t, t, 1);
  }

  private static User user(Random r, boolean bmp) {
    Integer age = switch (r.nextInt(8)) {
      case 0, 1 -> null;
      case 2 -> 0;
      case 3 -> Integer.MIN_VALUE;
      case 4 -> Integer.MAX_VALUE;
      case 5 -> -r.nextInt(1000);
      default -> r.nextInt();
    };
    List<String> tags = new ArrayList<>();
    int count = r.nextInt(10) == 0 ? r.nextInt(60) : r.nextInt(4);
    for (int i = 0; i < count; i++) {
      tags.add(text(r, bmp));
    }
    int version = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> Integer.MAX_VALUE;
      default -> r.nextInt(Integer.MAX_VALUE);
    };
    return new User(text(r, bmp), text(r, bmp), text(r, bmp), age, tags, time(r), time(r), version);
  }

  private static String text(Random r, boolean bmp) {
    // now and then longer than the generator's 8000-byte buffer, so strings are written in segments
    int length = r.nextInt(100) == 0 ? 3000 + r.nextInt(6000) : r.nextInt(40);
    StringBuilder s = new StringBuilder();
    while (s.length() < length) {
      switch (r.nextInt(bmp ? 6 : 8)) {
        case 0 -> s.append((char) (' ' + r.nextInt(95)));
        case 1 -> s.append((char) r.nextInt(0x20));
        case 2 -> s.append(SPECIAL.charAt(r.nextInt(SPECIAL.length())));
        case 6 -> s.appendCodePoint(0x10000 + r.nextInt(0x10FFFF - 0xFFFF));
        case 7 -> s.appendCodePoint(0x1F600 + r.nextInt(80));
        default -> {
          int c = r.nextInt(0x10000);
          s.append(Character.isSurrogate((char) c) ? 'x' : (char) c);
        }
      }
    }
    return s.toString();
  }

  private static Instant time(Random r) {
    long seconds = switch (r.nextInt(10)) {
      case 0 -> 0;
      case 1 -> MIN_SECONDS;
      case 2 -> MAX_SECONDS;
      default -> MIN_SECONDS + (long) (r.nextDouble() * (MAX_SECONDS - MIN_SECONDS));
    };
    long nanos = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(1000) * 1_000_000L;
      case 2 -> r.nextInt(1_000_000) * 1_000L;
      default -> r.nextInt(1_000_000_000);
    };
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static boolean hasSurrogate(User u) {
    var all = new ArrayList<>(u.tags());
    all.addAll(List.of(u.id(), u.name(), u.email()));
    return all.stream().anyMatch(s -> s.chars().anyMatch(c -> Character.isSurrogate((char) c)));
  }

  /** Decodes strictly: malformed UTF-8 fails the test. */
  private static String utf8(byte[] bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
  }
}
