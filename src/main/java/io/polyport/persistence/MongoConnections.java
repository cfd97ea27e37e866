package io.polyport.persistence;

import com.mongodb.MongoClientSettings;
import com.mongodb.event.ConnectionPoolListener;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.impl.config.MongoClientOptionsParser;

/**
 * The process's one reactive driver client (the repository and the change stream share it), over
 * vertx-mongo-client's JSON configuration keys (connection string, pool, timeouts, credentials, TLS), read by
 * vertx-mongo-client's own parser, which also puts the driver's transport on the Vert.x event loops; plus a
 * connection pool listener (for the pool metrics).
 */
public final class MongoConnections {
  private MongoConnections() {
  }

  public static MongoClient create(Vertx vertx, JsonObject config, ConnectionPoolListener poolListener) {
    MongoClientSettings parsed = new MongoClientOptionsParser(vertx, config).settings();
    return MongoClients.create(MongoClientSettings.builder(parsed)
        .applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(poolListener))
        .build());
  }
}
