package io.polyport.auth;

import java.util.Set;

/** Who is calling and what they may do: the token's subject and its scopes. */
public record Principal(String subject, Set<String> scopes) {
  public static final String READ = "users:read";
  public static final String WRITE = "users:write";
  /** The caller when authentication is off: may do everything. */
  public static final Principal ANONYMOUS = new Principal("anonymous", Set.of(READ, WRITE));

  public Principal {
    scopes = Set.copyOf(scopes);
  }

  public boolean may(String scope) {
    return scopes.contains(scope);
  }
}
