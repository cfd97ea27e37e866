package io.polyport.grpc;

import io.polyport.domain.ServiceException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
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
  private final boolean text;
  private long textChars;
  private long textPadding;
  private int groupPadding;
  private final boolean encoded;
  private final byte[] prefix = new byte[5];
  private int prefixBytes;
  private long payloadLeft;
  private int messages;
  private ServiceException broken;
  private Handler<Throwable> exceptionHandler;

  private GrpcFraming(HttpServerRequestInternal request, boolean text) {
    super(request);
    this.text = text;
    String encoding = request.getHeader("grpc-encoding");
    this.encoded = encoding != null && !encoding.equals("identity");
  }

  /**
   * {@code request} of the (bare, lower-case) {@code mediaType}, checked as above; a gRPC-Web text body over HTTP/1.x (which Vert.x decodes whole at its end,
   * and which left the call hanging when it was not base64 or shorter than a prefix) is checked to be base64 of at
   * least one prefix instead. Over HTTP/2 Vert.x reads a text body as binary, so it is left to Vert.x.
   */
  public static HttpServerRequest checked(HttpServerRequest request, String mediaType) {
    boolean text = mediaType.startsWith("application/grpc-web-text");
    if (text && request.version() == HttpVersion.HTTP_2) {
      return request;
    }
    return new GrpcFraming((HttpServerRequestInternal) request, text);
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    delegate.handler(handler == null ? null : chunk -> {
      if (broken != null) {
        return; // the call is failing: the rest of the body is dropped
      }
      int good = text ? scanText(chunk) : scan(chunk);
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
      if (text && (textChars % 4 != 0 || textChars / 4 * 3 - textPadding < prefix.length)) {
        broken = ServiceException.invalid(textChars % 4 != 0 ? "the gRPC-Web text body is cut short: its length is not a"
            + " multiple of 4" : "the gRPC-Web text body is shorter than one message's 5-byte prefix");
        fail();
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

  /** How many bytes of {@code chunk} are base64, in groups of four with '=' only at the end of a group. */
  private int scanText(Buffer chunk) {
    int length = chunk.length();
    for (int i = 0; i < length; i++) {
      byte b = chunk.getByte(i);
      int position = (int) (textChars % 4);
      boolean letter = b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '+' || b == '/';
      if (b == '=' && position >= 2) {
        groupPadding++;
        textPadding++;
      } else if (!letter || groupPadding > 0) {
        broken = ServiceException.invalid("the gRPC-Web text body is not base64: byte " + (textChars + 1) + " is "
            + (b >= 0x21 && b < 0x7f ? "'" + (char) b + "'" : String.format(Locale.ROOT, "0x%02x", b & 0xFF)));
        return i;
      }
      textChars++;
      if (position == 3) {
        groupPadding = 0;
      }
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
