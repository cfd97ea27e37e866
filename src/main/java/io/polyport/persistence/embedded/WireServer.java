package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.wire.MongoDatabaseHandler;
import de.bwaldvogel.mongo.wire.MongoExceptionHandler;
import de.bwaldvogel.mongo.wire.MongoWireMessageEncoder;
import de.bwaldvogel.mongo.wire.MongoWireProtocolHandler;
import de.bwaldvogel.mongo.wire.MongoWireReplyEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The wire-protocol server in front of an {@link EmbeddedBackend}: mongo-java-server's pipeline (the same
 * handlers {@code MongoServer.bind} installs) with an {@link AwaitDataHandler} before the command handler. It
 * can stop listening and drop its connections ({@link #suspend()}) and listen again on the same port.
 */
final class WireServer {
  private static final String HOST = "127.0.0.1";

  private final EmbeddedBackend backend;
  private final EventLoopGroup acceptors = new MultiThreadIoEventLoopGroup(1,
      new DefaultThreadFactory("embedded-mongo-accept", true), NioIoHandler.newFactory());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
      new DefaultThreadFactory("embedded-mongo-worker", true), NioIoHandler.newFactory());
  private Channel listener;
  private ChannelGroup connections;
  private int port;
  private final Stall stall = new Stall();

  /** Whether data commands are held, and who to tell when they no longer are. */
  static final class Stall {
    private volatile boolean on;
    private final Set<Runnable> releasers = ConcurrentHashMap.newKeySet();
    private final AtomicLong held = new AtomicLong();

    /** Commands held since start (for tests to know a call reached the database). */
    long held() {
      return held.get();
    }

    void holding() {
      held.incrementAndGet();
    }

    boolean on() {
      return on;
    }

    void register(Runnable releaser) {
      releasers.add(releaser);
    }

    void unregister(Runnable releaser) {
      releasers.remove(releaser);
    }

    void set(boolean stalled) {
      on = stalled;
      if (!stalled) {
        releasers.forEach(Runnable::run);
      }
    }
  }

  long heldCommands() {
    return stall.held();
  }

  /** Holds (true) or releases (false) every connection's data commands. */
  void stall(boolean stalled) {
    stall.set(stalled);
  }

  WireServer(EmbeddedBackend backend) {
    this.backend = backend;
  }

  /** Listens on 127.0.0.1:{@code port} (0: any free port) and returns the port. Blocking. */
  synchronized int listen(int port) {
    if (listener != null) {
      return this.port;
    }
    ChannelGroup group = new DefaultChannelGroup("embedded-mongo-connections", GlobalEventExecutor.INSTANCE, true);
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptors, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 100)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel channel) {
            group.add(channel);
            channel.pipeline().addLast(
                new MongoWireReplyEncoder(),
                new MongoWireMessageEncoder(),
                new MongoWireProtocolHandler(),
                new StallHandler(stall),
                new AwaitDataHandler(backend.changeStreams()),
                new MongoDatabaseHandler(backend, group),
                new MongoExceptionHandler());
          }
        });
    listener = bootstrap.bind(new InetSocketAddress(HOST, port)).syncUninterruptibly().channel();
    connections = group;
    this.port = ((InetSocketAddress) listener.localAddress()).getPort();
    return this.port;
  }

  /** Stops listening and closes every connection; the backend and its data stay. Blocking. */
  synchronized void suspend() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
      listener = null;
    }
    if (connections != null) {
      connections.close().syncUninterruptibly();
      connections = null;
    }
  }

  /**
   * Listens again on the port it had. Blocking. While nothing listened, a client reconnecting to this loopback
   * port can have been given the same port as its own end (a TCP self-connect) and hold it until it notices;
   * so a port in use is retried for up to {@link #REBIND_ATTEMPTS} x {@link #REBIND_PAUSE_MS} ms.
   */
  synchronized void resume() {
    for (int attempt = 1; ; attempt++) {
      try {
        listen(port);
        return;
      } catch (Exception e) { // Netty rethrows the bind failure, a checked BindException, undeclared
        boolean inUse = e instanceof java.net.BindException;
        if (!inUse || attempt == REBIND_ATTEMPTS) {
          throw e instanceof RuntimeException re ? re : new IllegalStateException("cannot listen on port " + port, e);
        }
        try {
          Thread.sleep(REBIND_PAUSE_MS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for port " + port, e);
        }
      }
    }
  }

  private static final int REBIND_ATTEMPTS = 40;
  private static final long REBIND_PAUSE_MS = 50;

  /** Closes the connections and stops the threads; the caller closes the backend afterwards. Blocking. */
  synchronized void close() {
    suspend();
    acceptors.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    acceptors.terminationFuture().syncUninterruptibly();
    workers.terminationFuture().syncUninterruptibly();
  }
}
