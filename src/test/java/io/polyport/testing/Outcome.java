package io.polyport.testing;

/**
 * What a caller saw, protocol-neutral: the status name ("OK" or the gRPC code name), the error message
 * (empty on success) and the user as proto3 JSON (null when there is none).
 */
public record Outcome(String code, String message, String userJson) {
  public static Outcome ok(String userJson) {
    return new Outcome("OK", "", userJson);
  }

  public static Outcome error(String code, String message) {
    return new Outcome(code, message, null);
  }

  public boolean ok() {
    return code.equals("OK");
  }
}
