package io.polyport.domain;

/** The one error type of the service layer: a code from the error table and a message for the caller. */
public final class ServiceException extends RuntimeException {
  private final ErrorCode code;
  private final String resumeToken;

  public ServiceException(ErrorCode code, String message) {
    this(code, message, "");
  }

  /** An error that ends a live feed, saying where the client can resume ({@code resumeToken}, may be empty). */
  public ServiceException(ErrorCode code, String message, String resumeToken) {
    super(message, null, false, false);
    this.code = code;
    this.resumeToken = resumeToken == null ? "" : resumeToken;
  }

  public ErrorCode code() {
    return code;
  }

  /** For errors that end a live feed: the token of the last event delivered, to resume after. */
  public String resumeToken() {
    return resumeToken;
  }

  public static ServiceException invalid(String message) {
    return new ServiceException(ErrorCode.INVALID_ARGUMENT, message);
  }

  /** The client ended the call before its answer ({@code why}): nobody is listening, so nothing is sent. */
  public static ServiceException cancelled(String why) {
    return new ServiceException(ErrorCode.CANCELLED, why);
  }

  public static ServiceException notFound(String id) {
    return new ServiceException(ErrorCode.NOT_FOUND, "user " + id + " not found");
  }

  /**
   * A request body compressed in a way this server does not read ({@code header} is content-encoding or
   * grpc-encoding); both protocols read gzip.
   */
  public static ServiceException unsupportedCoding(String header, String coding) {
    return new ServiceException(ErrorCode.UNIMPLEMENTED,
        header + " '" + coding + "' is not supported: send the request uncompressed or gzip-compressed");
  }
}
