package io.polyport.persistence.embedded;

/**
 * Options of the embedded database.
 *
 * @param oplogSize how many changes the in-memory oplog keeps for change streams to resume from; a client
 *     that falls further behind gets ChangeStreamHistoryLost (286)
 */
public record EmbeddedOptions(int oplogSize) {
  public static final int DEFAULT_OPLOG_SIZE = 10_000;

  public EmbeddedOptions {
    if (oplogSize < 1) {
      throw new IllegalArgumentException("oplogSize must be at least 1, not " + oplogSize);
    }
  }

  public static EmbeddedOptions defaults() {
    return new EmbeddedOptions(DEFAULT_OPLOG_SIZE);
  }
}
