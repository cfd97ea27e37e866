package io.polyport.server;

import io.polyport.AppConfig;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PfxOptions;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The settings of the one port: HTTP/1.1 and h2c (prior knowledge and upgrade), or with TLS the same
 * negotiated by ALPN (h2 for gRPC and HTTP/2 REST, http/1.1 for REST and gRPC-Web); header size, HTTP/2
 * stream and idle limits. REST answers are compressed by the front door (GzipResponse), not by Vert.x, whose HTTP/2
 * compression mislabels answers (eclipse-vertx/vert.x#5896); compressed REST request bodies are inflated by the
 * front door too (InflatedRequest), not by Vert.x, whose decompressor left a body it could not inflate unanswered.
 */
final class HttpOptions {
  private HttpOptions() {
  }

  static HttpServerOptions server(AppConfig config) {
    var http = config.http();
    var options = new HttpServerOptions()
        .setHost(http.host())
        .setHttp2ClearTextEnabled(true)
        .setTcpNoDelay(true)
        .setReuseAddress(true)
        .setMaxHeaderSize(http.maxHeaderBytes())
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(http.maxConcurrentStreams()))
        .setIdleTimeout((int) http.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        // Vert.x's default, said out loud: the front door compresses REST answers itself (GzipResponse)
        .setCompressionSupported(false)
        // REST request bodies may come gzip- (or deflate-) compressed: the front door inflates them (InflatedRequest),
        // so that a corrupt or truncated one is answered 400; Vert.x's decompressor failed inside Netty's pipeline
        // and the request got no answer at all
        .setDecompressionSupported(false);
    var tls = config.tls();
    if (tls.enabled()) {
      options.setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      if (tls.certPath() != null) {
        options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath()));
      } else {
        options.setKeyCertOptions(new PfxOptions().setPath(tls.keystorePath()).setPassword(tls.keystorePassword()));
      }
    }
    return options;
  }
}
