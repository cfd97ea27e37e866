package io.polyport.api;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.polyport.domain.ServiceException;

import java.util.regex.Pattern;

/**
 * The canonical proto3 JSON mapping (lowerCamelCase names, RFC 3339 timestamps, enum names, fields
 * without presence printed at their default), the one JSON format of REST bodies, SSE and WebSocket frames.
 */
public final class ProtoJson {
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private ProtoJson() {
  }

  public static String print(Message message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getDescriptorForType().getFullName(), e);
    }
  }

  /** A JSON parser's message keeps its words, not the Java class names it was wrapped in ("com.google...Exception: "). */
  private static final Pattern CLASS_NAME = Pattern.compile("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ");

  static String withoutClassNames(String message) {
    return CLASS_NAME.matcher(message).replaceAll("");
  }

  /** Parses JSON into {@code builder}; unknown fields and wrong types are INVALID_ARGUMENT. */
  public static <B extends Message.Builder> B parse(String json, B builder) {
    try {
      PARSER.merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw ServiceException.invalid("the body is not a valid " + builder.getDescriptorForType().getName()
          + ": " + withoutClassNames(String.valueOf(e.getMessage())));
    }
  }
}
