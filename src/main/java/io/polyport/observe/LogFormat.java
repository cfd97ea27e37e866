package io.polyport.observe;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The format of the log lines, chosen at start from {@code telemetry.jsonLogs}: the pattern of
 * logback.xml (human-readable, the default), or one JSON object per line (logback's JsonEncoder: time,
 * level, thread, logger, formatted message, key-value pairs such as the access log's fields, and the
 * throwable). Applies to the stream appenders of the root logger (the console).
 */
public final class LogFormat {
  private static final Map<OutputStreamAppender<ILoggingEvent>, Encoder<ILoggingEvent>> TEXT = new WeakHashMap<>();

  private LogFormat() {
  }

  /** JSON lines when {@code json}, else the configured pattern (undoing an earlier switch). */
  public static synchronized void apply(boolean json) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender) {
        if (json && !(appender.getEncoder() instanceof JsonEncoder)) {
          TEXT.put(appender, appender.getEncoder());
          appender.setEncoder(jsonEncoder(context));
        } else if (!json && TEXT.containsKey(appender)) {
          appender.setEncoder(TEXT.remove(appender));
        }
      }
    }
  }

  private static JsonEncoder jsonEncoder(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }
}
