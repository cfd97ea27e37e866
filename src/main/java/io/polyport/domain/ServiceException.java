package io.polyport.domain;

/** The one error type of the service layer: a code from the error table and a message for the caller. */
public final class ServiceException extends RuntimeException {
  private final ErrorCode code;

  public ServiceException(ErrorCode code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public ErrorCode code() {
    return code;
  }

  public static ServiceException invalid(String message) {
    return new ServiceException(ErrorCode.INVALID_ARGUMENT, message);
  }

  public static ServiceException notFound(String id) {
    return new ServiceException(ErrorCode.NOT_FOUND, "user " + id + " not found");
  }
}
