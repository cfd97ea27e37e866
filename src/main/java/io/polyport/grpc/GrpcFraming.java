package io.polyport.grpc;

import io.polyport.domain.ServiceException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

import java.util.Locale;

/**
 * The body of a gRPC (or binary gRPC-Web) call, checked message prefix by message prefix before Vert.x's
 * deframer reads it. Vert.x 5.0.7's deframer throws on a message marked compressed in a call that declares no
 * grpc-encoding (the call then hung), reads any other flag as "not compressed", and drops a message cut short by
 * the end of the stream (an import then answered OK without it). Here the first malformed prefix, or an end inside
 * a message, ends the body: the messages before it go on, nothing after it does, and the request's exception
 * handler gets an INVALID_ARGUMENT saying what was wrong (GrpcCalls answers it; an import reports what it had
 * stored, GrpcMessageStream).
 */
public final class GrpcFraming extends HttpServerRequestWrapper {
  private final boolean encoded;
  private final byte[] prefix = new byte[5];
  private int prefixBytes;
  private long payloadLeft;
  private int messages;
  private ServiceException broken;
  private Handler<Throwable> exceptionHandler;

  private GrpcFraming(HttpServerRequestInternal request) {
    super(request);
    String encoding = request.getHeader("grpc-encoding");
    this.encoded = encoding != null && !encoding.equals("identity");
  }

  /** {@code request}, checked as above unless its body is base64 text (gRPC-Web text, read whole by Vert.x). */
  public static HttpServerRequest checked(HttpServerRequest request) {
    String type = request.getHeader("content-type");
    if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/grpc-web-text")) {
      return request;
    }
    return new GrpcFraming((HttpServerRequestInternal) request);
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    delegate.handler(handler == null ? null : chunk -> {
      if (broken != null) {
        return; // the call is failing: the rest of the body is dropped
      }
      int good = scan(chunk);
      if (good == chunk.length()) {
        handler.handle(chunk);
        return;
      }
      if (good > 0) {
        handler.handle(chunk.slice(0, good));
      }
      fail();
    });
    return this;
  }

  @Override
  public HttpServerRequest endHandler(Handler<Void> handler) {
    delegate.endHandler(handler == null ? null : v -> {
      if (broken != null) {
        return;
      }
      if (prefixBytes > 0 || payloadLeft > 0) {
        broken = ServiceException.invalid("the request stream ended inside message " + (messages + (prefixBytes > 0 ? 1 : 0))
            + (prefixBytes > 0 ? ", in its 5-byte prefix" : ", " + payloadLeft + " bytes short of the length its prefix gave"));
        fail();
        return;
      }
      handler.handle(v);
    });
    return this;
  }

  @Override
  public HttpServerRequest exceptionHandler(Handler<Throwable> handler) {
    exceptionHandler = handler;
    delegate.exceptionHandler(handler);
    return this;
  }

  /** How many bytes of {@code chunk} belong to well-formed messages (all of it unless a prefix is malformed). */
  private int scan(Buffer chunk) {
    int length = chunk.length();
    int i = 0;
    while (i < length) {
      if (payloadLeft > 0) {
        int take = (int) Math.min(payloadLeft, length - i);
        payloadLeft -= take;
        i += take;
        continue;
      }
      prefix[prefixBytes++] = chunk.getByte(i++);
      if (prefixBytes < prefix.length) {
        continue;
      }
      prefixBytes = 0;
      int flags = prefix[0] & 0xFF;
      int number = messages + 1;
      if (flags > 1) {
        broken = ServiceException.invalid(String.format(Locale.ROOT,
            "message %d has flags 0x%02x: only 0 (plain) and 1 (compressed) are defined", number, flags));
      } else if (flags == 1 && !encoded) {
        broken = ServiceException.invalid("message " + number + " is marked compressed, but the call declares no grpc-encoding to inflate it with");
      }
      if (broken != null) {
        return Math.max(0, i - prefix.length);
      }
      messages = number;
      payloadLeft = ((prefix[1] & 0xFFL) << 24) | ((prefix[2] & 0xFFL) << 16) | ((prefix[3] & 0xFFL) << 8) | (prefix[4] & 0xFFL);
    }
    return length;
  }

  private void fail() {
    Handler<Throwable> handler = exceptionHandler;
    if (handler != null) {
      handler.handle(broken);
    }
  }
}
