package io.polyport.api;

import io.polyport.domain.ServiceException;
import io.polyport.users.v1.CreateUserRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast CreateUserRequest reader accepts and refuses exactly what the proto3 JSON parser does. */
class CreateUserJsonTest {
  static String outcome(java.util.function.Supplier<CreateUserRequest> parse) {
    try {
      return parse.get().toString();
    } catch (ServiceException e) {
      return "refused: " + e.getMessage();
    }
  }

  static final List<String> VALUES = List.of("\"Ann\"", "\"a\\u00e9\\n<&>\"", "\"😀\"", "42", "-1", "0", "2147483648",
      "1.0", "1e2", "\"30\"", "true", "null", "[]", "[\"x\",\"y\"]", "[\"x\",1]", "[null]", "{}", "\"\"", "[[]]");
  static final List<String> KEYS = List.of("name", "email", "age", "tags", "role", "Name", "first_name");

  @Test
  void agreesWithTheProto3ParserOnCommonAndOddInput() {
    Random r = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder json = new StringBuilder("{");
      for (int f = r.nextInt(5); f > 0; f--) {
        json.append('"').append(KEYS.get(r.nextInt(KEYS.size()))).append("\":").append(VALUES.get(r.nextInt(VALUES.size())));
        if (f > 1) {
          json.append(r.nextInt(20) == 0 ? " " : ",");
        }
      }
      json.append(r.nextInt(30) == 0 ? "" : "}");
      String line = json.toString();
      assertThat(outcome(() -> CreateUserJson.parse(line)))
          .as(line).isEqualTo(outcome(() -> ProtoJson.parse(line, CreateUserRequest.newBuilder()).build()));
    }
    for (String line : List.of("", "[]", "\"x\"", "{\"name\":\"a\"} trailing", "{\"name\":\"a\",\"name\":\"b\"}",
        "{\"name\":\"bench user 1\",\"email\":\"b1@bench.example\",\"age\":21,\"tags\":[\"bench\",\"t1\"]}")) {
      assertThat(outcome(() -> CreateUserJson.parse(line)))
          .as(line).isEqualTo(outcome(() -> ProtoJson.parse(line, CreateUserRequest.newBuilder()).build()));
    }
  }
}
