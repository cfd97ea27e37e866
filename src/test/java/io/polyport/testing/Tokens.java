package io.polyport.testing;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

/** A server config that requires JWTs, and the tokens it accepts. */
public final class Tokens {
  public static final String SECRET = "a-test-secret-that-is-long-enough-for-hs256";
  public static final String ISSUER = "polyport-test";

  private Tokens() {
  }

  /** The config keys that turn authentication on. */
  public static JsonObject authConfig() {
    return new JsonObject().put("auth", new JsonObject().put("secret", SECRET).put("issuer", ISSUER));
  }

  /** An Authorization header value carrying {@code scopes} (space-separated). */
  public static String bearer(Vertx vertx, String scopes) {
    JWTAuth minter = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(SECRET)));
    return "Bearer " + minter.generateToken(new JsonObject().put("scope", scopes),
        new JWTOptions().setIssuer(ISSUER).setExpiresInSeconds(300).setSubject("tester"));
  }
}
