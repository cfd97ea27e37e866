package io.polyport.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The events of one logger, kept while attached (thread-safe: the server logs from its event loops). */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
  public final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
  private final Logger logger;

  public LogCapture(String loggerName) {
    logger = (Logger) LoggerFactory.getLogger(loggerName);
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

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
