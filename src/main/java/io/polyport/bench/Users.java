package io.polyport.bench;

import io.polyport.users.v1.CreateUserRequest;
import io.vertx.core.buffer.Buffer;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generated users with an email that is new for every record of a run: {@code b<run>-<stream>-<n>@bench.example}.
 * The same user is produced as a CreateUserRequest (gRPC), an NDJSON line (REST) and a MongoDB document
 * (driver baselines) so that every protocol carries the same data.
 */
final class Users {
  private final String run;
  private final AtomicLong streams = new AtomicLong();

  Users(String run) {
    this.run = run;
  }

  /** A random run tag: emails stay unique across runs against the same database. */
  static String randomRun() {
    return Long.toString(System.currentTimeMillis() % 100_000_000L, 36)
        + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
  }

  /** A new email namespace (one per stream, import or worker), so that counters need no sharing. */
  Source source() {
    return new Source(run + "-" + streams.incrementAndGet());
  }

  /** Emails {@code b<prefix>-<n>@bench.example} for n = 0, 1, 2, ... */
  static final class Source {
    private final String prefix;
    private long next;

    private Source(String prefix) {
      this.prefix = prefix;
    }

    private String email(long n) {
      return "b" + prefix + "-" + n + "@bench.example";
    }

    CreateUserRequest proto() {
      long n = next++;
      return CreateUserRequest.newBuilder().setName("bench user " + n).setEmail(email(n))
          .setAge((int) (20 + n % 50)).addTags("bench").addTags("t" + n % 10).build();
    }

    /** One NDJSON line (the proto3 JSON of {@link #proto()}), newline included. */
    void ndjson(Buffer out) {
      long n = next++;
      out.appendString("{\"name\":\"bench user ").appendString(Long.toString(n))
          .appendString("\",\"email\":\"").appendString(email(n))
          .appendString("\",\"age\":").appendString(Long.toString(20 + n % 50))
          .appendString(",\"tags\":[\"bench\",\"t").appendString(Long.toString(n % 10)).appendString("\"]}\n");
    }

    /** The document the server would store for {@link #proto()} (same fields and types). */
    Document document(Date now) {
      long n = next++;
      return new Document("_id", new ObjectId()).append("name", "bench user " + n).append("email", email(n))
          .append("tags", List.of("bench", "t" + n % 10)).append("createTime", now).append("updateTime", now)
          .append("version", 1).append("age", (int) (20 + n % 50));
    }
  }
}
