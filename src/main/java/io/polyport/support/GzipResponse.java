package io.polyport.support;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.core.internal.buffer.BufferInternal;

import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.util.Locale;

/**
 * A REST answer gzipped on its own, on HTTP/1.1 and HTTP/2 alike. Vert.x's own compression is not used: on HTTP/2
 * (5.0.7) its encoder is shared by a connection's streams and mislabels answers after the first one it does not
 * compress (eclipse-vertx/vert.x#5896). The rule is Netty's HTTP/1.1 one: an answer whose first piece (its whole
 * body, or its first write) is smaller than {@code minBytes} goes as it is, as does one that already carries a
 * coding or has a status without a body; any other is compressed, each write leaving at once, sync-flushed (a
 * live stream's events are not held back). Netty's zlib encoder does the compressing. A file given to sendFile
 * by name (static assets) is read and compressed by the same rule, its size as the first piece; a partial answer
 * (206) and files given as channels go as they are.
 */
public final class GzipResponse extends ForwardingHttpServerResponse {
  /**
   * The encoder's output buffers: on the heap and unpooled, so they can be handed to Vert.x as they are and left to
   * the garbage collector (no leak tracking: nothing here is ever released by hand).
   */
  private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false, true);
  /** A file is read and compressed in pieces of this size (each sync-flushed, as every write is). */
  private static final int FILE_PIECE_BYTES = 64 * 1024;
  private final Context context;
  private final int minBytes;
  private final int level;
  private boolean decided;
  private EmbeddedChannel deflater;
  /** A stream the client cancels is never ended: its deflater (native memory) is freed when the stream closes. */
  private final OwnedHandler closed = new OwnedHandler(this::release);

  public GzipResponse(HttpServerResponse delegate, Context context, int minBytes, int level) {
    super(delegate);
    this.context = context;
    this.minBytes = minBytes;
    this.level = level;
    delegate.closeHandler(closed);
  }

  /** The response has one close handler: the one given here runs after the deflater is freed. */
  @Override
  public HttpServerResponse closeHandler(Handler<Void> handler) {
    closed.then(handler);
    return this;
  }

  /**
   * Whether an Accept-Encoding value (its fields joined by commas) accepts gzip: named with a quality above 0, or
   * not named and * accepted (RFC 9110, 12.5.3).
   */
  public static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    Boolean gzip = null;
    boolean any = false;
    for (String coding : acceptEncoding.split(",")) {
      String[] parts = coding.split(";");
      String name = parts[0].strip().toLowerCase(Locale.ROOT);
      boolean accepted = true;
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i].strip().toLowerCase(Locale.ROOT);
        if (p.startsWith("q=")) {
          try {
            accepted = Double.parseDouble(p.substring(2)) > 0;
          } catch (NumberFormatException e) {
            accepted = false;
          }
        }
      }
      if (name.equals("gzip") || name.equals("x-gzip")) {
        gzip = (gzip != null && gzip) || accepted;
      } else if (name.equals("*")) {
        any = accepted;
      }
    }
    return gzip != null ? gzip : any;
  }

  @Override
  public Future<Void> write(Buffer data) {
    return decide(data.length(), true) ? delegate.write(deflate(data, false)) : delegate.write(data);
  }

  @Override
  public Future<Void> end(Buffer chunk) {
    return decide(chunk.length(), false) ? delegate.end(deflate(chunk, true)) : delegate.end(chunk);
  }

  @Override
  public Future<Void> end() {
    return decide(0, false) ? delegate.end(deflate(Buffer.buffer(), true)) : delegate.end();
  }

  @Override
  public Future<Void> writeHead() {
    decide(Integer.MAX_VALUE, true); // a head alone: the body's size is not known, as for Netty's HTTP/1.1 compressor
    return delegate.writeHead();
  }

  @Override
  public Future<Void> sendFile(String file, long offset, long length) {
    if (decided || !compressible()) {
      decided = true;
      return delegate.sendFile(file, offset, length);
    }
    var files = context.owner().fileSystem();
    return files.props(file).compose(props -> {
      long bytes = Math.min(length, Math.max(0, props.size() - offset));
      if (!decide((int) Math.min(bytes, Integer.MAX_VALUE), true)) {
        return delegate.sendFile(file, offset, length);
      }
      if (!delegate.headers().contains(HttpHeaders.CONTENT_TYPE)) {
        String type = MimeMapping.mimeTypeForFilename(file); // as sendFile does
        if (type != null) {
          delegate.putHeader(HttpHeaders.CONTENT_TYPE, type);
        }
      }
      return files.open(file, new OpenOptions().setRead(true).setWrite(false).setCreate(false)).compose(opened -> {
        opened.setReadPos(offset).setReadLength(bytes).setReadBufferSize(FILE_PIECE_BYTES);
        // a file that fails part way is broken off (reset), not ended as a well-formed shorter file
        return opened.pipe().endOnFailure(false).to(this).onFailure(e -> reset()).eventually(opened::close);
      });
    });
  }

  @Override
  public Future<Void> sendFile(FileChannel ch, long offset, long length) {
    decided = true;
    return delegate.sendFile(ch, offset, length);
  }

  @Override
  public Future<Void> sendFile(RandomAccessFile f, long offset, long length) {
    decided = true;
    return delegate.sendFile(f, offset, length);
  }

  @Override
  public Future<Void> reset(long code) {
    release();
    return delegate.reset(code);
  }

  /**
   * At the first write, end, head or file: whether the answer is compressed; if it is, it is labelled so, and one
   * that goes in several pieces ({@code streamed}) is chunked on HTTP/1.1 (a Content-Length it had was the
   * uncompressed body's).
   */
  private boolean decide(int firstPieceBytes, boolean streamed) {
    if (decided) {
      return deflater != null;
    }
    decided = true;
    if (!compressible() || firstPieceBytes < minBytes) {
      return false;
    }
    var headers = delegate.headers().set(HttpHeaders.CONTENT_ENCODING, "gzip").remove(HttpHeaders.CONTENT_LENGTH);
    if (headers.getAll(HttpHeaders.VARY).stream().noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("accept-encoding"))) {
      headers.add(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING); // StaticHandler adds its own
    }
    if (streamed) {
      delegate.setChunked(true);
    }
    deflater = new EmbeddedChannel(ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, level, 15, 8));
    deflater.config().setAllocator(HEAP);
    return true;
  }

  /** Whether the answer may still be compressed: its head not sent, no coding set, a status with a whole body. */
  private boolean compressible() {
    int status = delegate.getStatusCode();
    return !delegate.headWritten() && !delegate.headers().contains(HttpHeaders.CONTENT_ENCODING)
        && status != 204 && status != 206 && status != 304;
  }

  /**
   * The compressed bytes of {@code data}: the encoder reads the buffer's own bytes (no copy in); its output, one
   * heap buffer per write (two at the end) sized for the input, is handed on as it is unless it is mostly empty
   * (a write queued to a slow client would pin the whole array while counting only its bytes).
   */
  private Buffer deflate(Buffer data, boolean last) {
    if (data.length() > 0) {
      deflater.writeOutbound(((BufferInternal) data).getByteBuf());
    }
    if (last) {
      deflater.finish();
    }
    ByteBuf out = deflater.readOutbound();
    ByteBuf more;
    while ((more = deflater.readOutbound()) != null) {
      out.writeBytes(more); // the gzip trailer after the last write's bytes
    }
    if (last) {
      deflater = null;
    }
    if (out == null) {
      return Buffer.buffer();
    }
    return BufferInternal.buffer(out.capacity() > 2 * out.readableBytes() ? out.copy() : out);
  }

  /** Whether a deflater is held (for tests). */
  boolean compressing() {
    return deflater != null;
  }

  private void release() {
    if (deflater != null) {
      deflater.finishAndReleaseAll();
      deflater = null;
    }
  }
}
