package io.polyport.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.polyport.testing.Await;
import io.polyport.testing.TestApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With telemetry.jsonLogs the console lines are JSON objects, one per line, carrying the access log's
 * fields; without it they stay the readable pattern. The console is stood in for by a stream appender on
 * the root logger, which the setting switches the same way.
 */
class JsonLogsTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  OutputStreamAppender<ILoggingEvent> console;

  @BeforeEach
  void attachConsole() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    var encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%d{HH:mm:ss.SSS} %-5level [%thread] %logger{20} - %msg%n");
    encoder.start();
    console = new OutputStreamAppender<>();
    console.setContext(context);
    console.setEncoder(encoder);
    console.setOutputStream(out);
    console.start();
    root().addAppender(console);
  }

  @AfterEach
  void detachConsole() {
    root().detachAppender(console);
    console.stop();
  }

  static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  List<String> lines() {
    return out.toString(StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
  }

  @Test
  void jsonLogsAreOneParseableObjectPerLine() {
    try (TestApp app = TestApp.start(new JsonObject().put("telemetry",
        new JsonObject().put("jsonLogs", true).put("accessLog", true)))) {
      app.web.get("/users/0123456789abcdef01234567").putHeader("x-request-id", "json-id-1").send().await();
      Await.until(app.vertx, "the access line", () -> out.toString(StandardCharsets.UTF_8).contains("json-id-1"));
    }
    List<JsonObject> objects = lines().stream().map(JsonObject::new).toList();
    assertThat(objects).isNotEmpty().allSatisfy(o -> assertThat(o.getString("level")).isNotNull());
    JsonObject access = objects.stream().filter(o -> AccessLog.LOGGER.equals(o.getString("loggerName"))).findFirst().orElseThrow();
    assertThat(access.getString("formattedMessage")).startsWith("rest getUser 404 ").contains("request=json-id-1");
    JsonArray fields = access.getJsonArray("kvpList");
    assertThat(fields.stream().map(JsonObject.class::cast)).anySatisfy(kv -> assertThat(kv.getString("requestId")).isEqualTo("json-id-1"));
  }

  @Test
  void theDefaultStaysReadable() {
    try (TestApp app = TestApp.start(new JsonObject().put("telemetry", new JsonObject().put("accessLog", true)))) {
      app.web.get("/users/0123456789abcdef01234567").putHeader("x-request-id", "text-id-1").send().await();
      Await.until(app.vertx, "the access line", () -> out.toString(StandardCharsets.UTF_8).contains("text-id-1"));
    }
    assertThat(lines()).isNotEmpty().noneMatch(l -> l.startsWith("{"));
    assertThat(lines()).anyMatch(l -> l.contains("polyport.access - rest getUser 404 ") && l.contains("request=text-id-1"));
  }
}
