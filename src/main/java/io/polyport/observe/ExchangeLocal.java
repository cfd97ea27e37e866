package io.polyport.observe;

import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.core.internal.VertxBootstrap;

/**
 * Registers the context-local slot that carries the {@link Exchange} of a request on its duplicated
 * Vert.x context. Vert.x sizes every context's local storage when the Vertx instance is built, so the slot
 * must be registered before: this class is a service provider (META-INF/services), loaded by every
 * Vertx builder before it creates anything.
 */
public final class ExchangeLocal implements VertxServiceProvider {
  static final ContextLocal<Exchange> KEY = ContextLocal.registerLocal(Exchange.class);

  @Override
  public void init(VertxBootstrap bootstrap) {
    // the registration above is the whole job
  }
}
