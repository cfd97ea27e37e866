package io.polyport.domain;

/**
 * The kinds of failure a caller can see. Each adapter maps them to its protocol with one table
 * (gRPC status / HTTP status); {@link #code()} is the canonical status code number that the
 * contract also carries inside messages (ImportError.code, FeedResult.code).
 */
public enum ErrorCode {
  /** The client ended the call (cancel, reset, closed connection) before its answer: nothing more is sent. */
  CANCELLED(1),
  INVALID_ARGUMENT(3),
  DEADLINE_EXCEEDED(4),
  NOT_FOUND(5),
  ALREADY_EXISTS(6),
  PERMISSION_DENIED(7),
  RESOURCE_EXHAUSTED(8),
  FAILED_PRECONDITION(9),
  OUT_OF_RANGE(11),
  UNIMPLEMENTED(12),
  INTERNAL(13),
  UNAVAILABLE(14),
  UNAUTHENTICATED(16);

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The canonical (gRPC) status code number. */
  public int code() {
    return code;
  }
}
