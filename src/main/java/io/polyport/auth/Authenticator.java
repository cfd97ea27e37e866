package io.polyport.auth;

import io.polyport.AppConfig;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks bearer tokens the same way for every protocol: {@link #authorize} takes the Authorization header
 * value and the scope an operation needs, and yields the caller or UNAUTHENTICATED / PERMISSION_DENIED.
 */
public final class Authenticator {
  /** The challenge sent with UNAUTHENTICATED (HTTP WWW-Authenticate, gRPC www-authenticate metadata). */
  public static final String CHALLENGE = "Bearer realm=\"polyport\"";
  private final JWTAuth jwt;

  private Authenticator(JWTAuth jwt) {
    this.jwt = jwt;
  }

  /** The authenticator of the configuration: JWT, or open when auth.mode is none. */
  public static Authenticator create(Vertx vertx, AppConfig.Auth auth) {
    if (!auth.enabled()) {
      return new Authenticator(null);
    }
    return new Authenticator(JWTAuth.create(vertx, options(auth)));
  }

  static JWTAuthOptions options(AppConfig.Auth auth) {
    var jwtOptions = new JWTOptions().setLeeway(5);
    if (auth.issuer() != null) {
      jwtOptions.setIssuer(auth.issuer());
    }
    if (auth.audience() != null) {
      jwtOptions.addAudience(auth.audience());
    }
    var options = new JWTAuthOptions().setJWTOptions(jwtOptions);
    if (auth.secret() != null) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.secret()));
    } else {
      String pem = read(auth.publicKeyPath());
      for (String algorithm : new String[] {"RS256", "ES256"}) {
        options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(pem));
      }
    }
    return options;
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read JWT_PUBLIC_KEY " + path, e);
    }
  }

  public boolean enabled() {
    return jwt != null;
  }

  /** The caller, if the header carries a valid token with {@code scope} (any caller when auth is off). */
  public Future<Principal> authorize(String authorization, String scope) {
    if (jwt == null) {
      return Future.succeededFuture(Principal.ANONYMOUS);
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Future.failedFuture(new ServiceException(ErrorCode.UNAUTHENTICATED, "a bearer token is required"));
    }
    return jwt.authenticate(new TokenCredentials(authorization.substring(7).trim()))
        .recover(e -> Future.failedFuture(new ServiceException(ErrorCode.UNAUTHENTICATED,
            "the bearer token is not valid: " + e.getMessage())))
        .compose(user -> {
          Principal principal = new Principal(String.valueOf(user.subject()), scopes(user.get("scope")));
          if (scope != null && !principal.may(scope)) {
            return Future.failedFuture(new ServiceException(ErrorCode.PERMISSION_DENIED,
                "the token does not grant the scope " + scope));
          }
          return Future.succeededFuture(principal);
        });
  }

  private static Set<String> scopes(Object claim) {
    Set<String> scopes = new HashSet<>();
    if (claim instanceof String s) {
      for (String part : s.trim().split("\\s+")) {
        if (!part.isEmpty()) {
          scopes.add(part);
        }
      }
    } else if (claim instanceof JsonArray a) {
      a.forEach(o -> scopes.add(String.valueOf(o)));
    }
    return scopes;
  }
}
