package io.polyport.server;

import io.polyport.testing.Seed;
import io.polyport.testing.TestApp;
import io.polyport.users.v1.CreateUserRequest;
import io.polyport.users.v1.ImportError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An import's `errors` are its first 100 rejected records by position, in that order, on both protocols: a
 * duplicate is known only once its batch is written, after the invalid records read behind it were rejected.
 */
class ImportErrorListTest {
  static TestApp app;

  @BeforeAll
  static void start() {
    app = TestApp.start();
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  /** 0-49 share one email (1-49 rejected when their batch is written), 50-149 have no name (rejected at once). */
  static List<CreateUserRequest> records(String tag) {
    List<CreateUserRequest> records = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      records.add(CreateUserRequest.newBuilder().setName(i < 50 ? "n" + i : "").addTags(tag)
          .setEmail(i < 50 ? tag + "-same@example.com" : tag + "-" + i + "@example.com").build());
    }
    return records;
  }

  static final List<Integer> FIRST_HUNDRED = IntStream.rangeClosed(1, 100).boxed().toList();

  @Test
  void grpc() {
    var result = Seed.importAll(app, records("eg"));
    assertThat(result.getCreated()).isEqualTo(1);
    assertThat(result.getFailed()).isEqualTo(149);
    assertThat(result.getErrorsList().stream().map(ImportError::getIndex).toList()).isEqualTo(FIRST_HUNDRED);
    assertThat(result.getErrors(0).getCode()).isEqualTo(6);
    assertThat(result.getErrors(99).getCode()).isEqualTo(3);
  }

  @Test
  void rest() {
    StringBuilder body = new StringBuilder();
    for (CreateUserRequest r : records("er")) {
      body.append(new JsonObject().put("name", r.getName()).put("email", r.getEmail()).put("tags", r.getTagsList()).encode())
          .append('\n');
    }
    var resp = app.web.post("/users/import").putHeader("content-type", "application/x-ndjson")
        .sendBuffer(Buffer.buffer(body.toString())).await();
    assertThat(resp.statusCode()).isEqualTo(200);
    JsonObject result = resp.bodyAsJsonObject();
    assertThat(result.getInteger("created")).isEqualTo(1);
    assertThat(result.getInteger("failed")).isEqualTo(149);
    assertThat(result.getJsonArray("errors").stream().map(e -> ((JsonObject) e).getInteger("index")).toList())
        .isEqualTo(FIRST_HUNDRED);
  }
}
