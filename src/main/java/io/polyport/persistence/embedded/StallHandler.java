package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Set;

/**
 * While the database is stalled ({@link EmbeddedMongo#stall()}), data commands on this connection are held
 * (the connection stays open; handshakes and pings are answered) and are passed on in order when it is
 * released: a database that is slow rather than gone. Meant for fault tests (calls in flight at shutdown).
 */
final class StallHandler extends ChannelInboundHandlerAdapter {
  /**
   * Answered even while stalled: the handshake (the driver follows hello with getlasterror, for the connection id
   * this server's hello does not give), pings and session ends.
   */
  private static final Set<String> ALWAYS = Set.of("hello", "ismaster", "getlasterror", "ping", "buildinfo",
      "endsessions");
  private final WireServer.Stall stall;
  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private ChannelHandlerContext context;
  private final Runnable releaser = () -> context.executor().execute(this::release);

  StallHandler(WireServer.Stall stall) {
    this.stall = stall;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    stall.register(releaser);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stall.unregister(releaser);
    held.clear();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if ((stall.on() || !held.isEmpty()) && isDataCommand(message)) {
      stall.holding();
      held.add(message);
      return;
    }
    ctx.fireChannelRead(message);
  }

  private void release() {
    while (!held.isEmpty() && !stall.on()) {
      context.fireChannelRead(held.poll());
    }
  }

  private static boolean isDataCommand(Object message) {
    return message instanceof MongoMessage request && !request.getDocument().isEmpty()
        && !ALWAYS.contains(request.getDocument().keySet().iterator().next().toLowerCase(Locale.ROOT));
  }
}
