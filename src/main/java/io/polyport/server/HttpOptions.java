package io.polyport.server;

import io.polyport.AppConfig;
import io.vertx.core.http.HttpServerOptions;

/** The HttpServer settings of the one port: HTTP/1.1 and h2c (prior knowledge and upgrade). */
final class HttpOptions {
  private HttpOptions() {
  }

  static HttpServerOptions server(AppConfig config) {
    return new HttpServerOptions()
        .setHost(config.http().host())
        .setHttp2ClearTextEnabled(true)
        .setTcpNoDelay(true)
        .setReuseAddress(true);
  }
}
