package io.polyport.observe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished request or call, on the logger {@code polyport.access} (when
 * {@code telemetry.accessLog} is on): protocol, operation, status, duration, request id and remote
 * address, in the message and as key-value pairs (fields of their own in JSON logs).
 */
final class AccessLog {
  static final String LOGGER = "polyport.access";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private AccessLog() {
  }

  static void write(Exchange exchange, String status, long nanos) {
    double millis = nanos / 1_000_000.0;
    LOG.atInfo()
        .addKeyValue("protocol", exchange.protocol())
        .addKeyValue("operation", exchange.operation())
        .addKeyValue("status", status)
        .addKeyValue("durationMs", Math.round(millis * 1000) / 1000.0)
        .addKeyValue("requestId", exchange.requestId())
        .addKeyValue("remote", exchange.remote())
        .log("{} {} {} {} ms request={} remote={}", exchange.protocol(), exchange.operation(), status,
            String.format(java.util.Locale.ROOT, "%.1f", millis), exchange.requestId(), exchange.remote());
  }
}
