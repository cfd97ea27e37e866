package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.Document;

/**
 * Resume tokens: {@code {_data: "<16 hex digits of the log's epoch><16 hex digits of the position>"}}. The epoch
 * is random per start of the embedded database, so a token from an earlier run is recognised as history that
 * is gone (the log lives in memory), not mistaken for a position of this run.
 */
final class ResumeToken {
  private static final String DATA = "_data";
  private static final int DIGITS = 16;

  private ResumeToken() {
  }

  static Document of(long epoch, long position) {
    return new Document(DATA, hex(epoch) + hex(position));
  }

  /**
   * The position a token stands for.
   *
   * @throws de.bwaldvogel.mongo.exception.MongoServerError BadValue (2) if it is not a token of this server,
   *     ChangeStreamHistoryLost (286) if it is one from an earlier run
   */
  static long position(Object token, long epoch) {
    if (!(token instanceof Document document) || !(document.get(DATA) instanceof String data)
        || data.length() != 2 * DIGITS) {
      throw ChangeStreamErrors.badValue("malformed resume token: " + token);
    }
    long tokenEpoch;
    long position;
    try {
      tokenEpoch = Long.parseUnsignedLong(data.substring(0, DIGITS), 16);
      position = Long.parseUnsignedLong(data.substring(DIGITS), 16);
    } catch (NumberFormatException e) {
      throw ChangeStreamErrors.badValue("malformed resume token: " + token);
    }
    if (tokenEpoch != epoch) {
      throw ChangeStreamErrors.historyLost();
    }
    if (position < 0) {
      throw ChangeStreamErrors.badValue("malformed resume token: " + token);
    }
    return position;
  }

  private static String hex(long value) {
    String digits = Long.toHexString(value);
    return "0".repeat(DIGITS - digits.length()) + digits;
  }
}
