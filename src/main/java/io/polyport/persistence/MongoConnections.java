package io.polyport.persistence;

import com.mongodb.MongoClientSettings;
import com.mongodb.event.ConnectionPoolListener;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.MongoClient;
import io.vertx.ext.mongo.impl.config.MongoClientOptionsParser;

import java.util.UUID;

/**
 * The vertx-mongo-client over its JSON configuration, plus a connection pool listener (for the pool
 * metrics). vertx-mongo-client only takes a listener through a complete MongoClientSettings, so the
 * settings are first built by its own parser from the same JSON (codecs, pool, timeouts, and the
 * transport on the Vert.x event loops), then the listener is added.
 */
public final class MongoConnections {
  private MongoConnections() {
  }

  public static MongoClient create(Vertx vertx, JsonObject config, ConnectionPoolListener poolListener) {
    MongoClientSettings parsed = new MongoClientOptionsParser(vertx, config).settings();
    MongoClientSettings settings = MongoClientSettings.builder(parsed)
        .applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(poolListener))
        .build();
    return MongoClient.createWithMongoSettings(vertx, config, UUID.randomUUID().toString(), settings);
  }
}
