package io.polyport;

import io.polyport.auth.Principal;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/** {@code polyport token --scope "users:read users:write"}: mints an HS256 token from the configured secret. */
@Command(name = "token", mixinStandardHelpOptions = true,
    description = "Print a bearer token signed with the configured JWT_SECRET (for local use and the examples).")
final class TokenCommand implements Callable<Integer> {
  @ParentCommand
  Main parent;

  @Option(names = "--scope", description = "space-separated scopes (default: ${DEFAULT-VALUE})")
  String scope = Principal.READ + " " + Principal.WRITE;

  @Option(names = "--subject", description = "the sub claim (default: ${DEFAULT-VALUE})")
  String subject = "polyport-cli";

  @Option(names = "--ttl", description = "seconds until it expires (default: ${DEFAULT-VALUE})")
  int ttlSeconds = 3600;

  @Override
  public Integer call() {
    AppConfig.Auth auth = AppConfig.load(parent.configFile).auth();
    if (auth.secret() == null) {
      System.err.println("token needs JWT_SECRET (auth.secret): tokens for a public key are minted by whoever holds the private key");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      JWTAuth jwt = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.secret())));
      var options = new JWTOptions().setExpiresInSeconds(ttlSeconds).setSubject(subject);
      if (auth.issuer() != null) {
        options.setIssuer(auth.issuer());
      }
      if (auth.audience() != null) {
        options.addAudience(auth.audience());
      }
      System.out.println(jwt.generateToken(new JsonObject().put("scope", scope), options));
      return 0;
    } finally {
      vertx.close();
    }
  }
}
