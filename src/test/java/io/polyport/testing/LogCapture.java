package io.polyport.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The events of one logger, kept while attached (thread-safe: the server logs from its event loops), optionally
 * at a lower level than configured, which closing puts back.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  public final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Logger logger;
  private final Level levelBefore;

  public LogCapture(String loggerName) {
    this(loggerName, null);
  }

  /** Captures {@code loggerName} with its level set to {@code level} (null: as configured) until closed. */
  public LogCapture(String loggerName, Level level) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
    levelBefore = logger.getLevel();
    if (level != null) {
      logger.setLevel(level);
    }
    setContext(logger.getLoggerContext());
    start();
    logger.addAppender(this);
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.add(event);
  }

  /** The first event whose formatted message contains {@code text}, or null. */
  public ILoggingEvent find(String text) {
    return events.stream().filter(e -> e.getFormattedMessage().contains(text)).findFirst().orElse(null);
  }

  /** The events at ERROR or above, each as "logger: message" (a test asserts there are none). */
  public List<String> errors() {
    return events.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
        .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()).toList();
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    logger.setLevel(levelBefore);
    stop();
  }
}
