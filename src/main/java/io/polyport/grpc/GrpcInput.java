package io.polyport.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.polyport.api.ProtoJson;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ServiceException;
import io.polyport.support.StrictUtf8;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.InvalidMessageException;
import io.vertx.grpc.common.MessageSizeOverflowException;
import io.vertx.grpc.common.WireFormat;
import io.vertx.grpc.server.GrpcServerRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * What a call's request is read as: whether it is admitted (its grpc-timeout and grpc-encoding), and each message
 * decoded (gzip, protobuf or JSON) within the size limit, every mistake a status saying what was wrong.
 */
final class GrpcInput {
  private GrpcInput() {
  }

  /**
   * The first step of every call. A request compressed with anything but gzip ends at once, before any of its
   * messages is read, with UNIMPLEMENTED and {@code grpc-accept-encoding} naming what is read (as the gRPC
   * compression spec asks; nothing is half-imported). Otherwise an oversized message will end the call with
   * RESOURCE_EXHAUSTED and a message naming the limit, and a malformed message prefix (GrpcFraming) with
   * INVALID_ARGUMENT saying what was wrong. Returns whether the call goes on.
   */
  static boolean admit(GrpcServerRequest<?, ?> request, long maxMessageBytes) {
    // a timeout Vert.x read (at least a millisecond) was well-formed: only a missing, malformed or tiny one is looked at
    ServiceException timeout = request.timeout() > 0 ? null : timeout(request.headers().get("grpc-timeout"));
    if (timeout != null) {
      request.pause();
      GrpcErrors.fail(request.response(), timeout, request.fullMethodName());
      return false;
    }
    String encoding = request.encoding();
    if (encoding != null && !encoding.equals("identity") && !encoding.equals("gzip")) {
      request.pause();
      request.response().headers().set("grpc-accept-encoding", "gzip");
      GrpcErrors.fail(request.response(), ServiceException.unsupportedCoding("grpc-encoding", encoding),
          request.fullMethodName());
      return false;
    }
    // a malformed message prefix (GrpcFraming); streams that read messages as records override it
    request.exceptionHandler(e -> {
      if (e instanceof ServiceException se && se.code() != ErrorCode.CANCELLED) {
        request.pause();
        GrpcErrors.fail(request.response(), se, request.fullMethodName());
      }
    });
    request.invalidMessageHandler(invalid -> GrpcErrors.fail(request.response(), invalid(invalid, maxMessageBytes),
        request.fullMethodName()));
    return true;
  }

  private static final Pattern TIMEOUT = Pattern.compile("([0-9]{1,8})([HMSmun])");

  /**
   * What is wrong with a call's grpc-timeout, if anything. Vert.x's gRPC server reads a malformed one, and one under
   * a millisecond (0S, 500u), as no deadline at all; a malformed one is the client's mistake, and one that rounds to
   * nothing has passed before the call starts.
   */
  static ServiceException timeout(String header) {
    if (header == null) {
      return null;
    }
    Matcher m = TIMEOUT.matcher(header);
    if (!m.matches()) {
      return ServiceException.invalid("grpc-timeout '" + header + "' is malformed: 1 to 8 digits and a unit, one of H M S m u n");
    }
    long amount = Long.parseLong(m.group(1));
    long micros = switch (m.group(2)) {
      case "H" -> amount * 3_600_000_000L;
      case "M" -> amount * 60_000_000L;
      case "S" -> amount * 1_000_000L;
      case "m" -> amount * 1_000L;
      case "u" -> amount;
      default -> amount / 1_000L;
    };
    return micros < 1_000 ? new ServiceException(ErrorCode.DEADLINE_EXCEEDED,
        "the call's deadline (grpc-timeout " + header + ") had passed when it arrived") : null;
  }

  /** What a message the deframer refused means to the client. */
  static ServiceException invalid(InvalidMessageException invalid, long maxMessageBytes) {
    return invalid instanceof MessageSizeOverflowException
        ? tooLarge(maxMessageBytes)
        : ServiceException.invalid("the request message is malformed");
  }

  /**
   * The message parsed; a gzip message may inflate to at most {@code maxMessageBytes} (the size limit the
   * deframer applies counts compressed bytes), as a REST body's limit counts inflated ones.
   */
  static <Q> Q decode(GrpcMessage message, Parser<Q> parser, long maxMessageBytes) {
    try {
      byte[] bytes = switch (message.encoding() == null ? "identity" : message.encoding()) {
        // from the array: a stream parser allocates a 4 KiB buffer for every message
        case "identity" -> message.payload().getBytes();
        case "gzip" -> inflate(message.payload().getBytes(), maxMessageBytes);
        // unreachable through admit: a compressed message carries the call's grpc-encoding
        default -> throw ServiceException.unsupportedCoding("grpc-encoding", message.encoding());
      };
      if (message.format() == WireFormat.JSON) { // application/grpc+json: the proto3 JSON of the message
        @SuppressWarnings("unchecked")
        Q parsed = (Q) ProtoJson.parse(StrictUtf8.decode(Buffer.buffer(bytes), "the request message"),
            ((Message) parser.parseFrom(ByteString.EMPTY)).newBuilderForType()).build();
        return parsed;
      }
      return parser.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw ServiceException.invalid("the request message is not valid protobuf: " + e.getMessage());
    } catch (IOException e) {
      throw ServiceException.invalid("the request message cannot be decompressed: " + e.getMessage());
    }
  }

  private static byte[] inflate(byte[] gzipped, long maxMessageBytes) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
      // one byte past the limit tells an oversized message from one of exactly the limit
      byte[] inflated = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxMessageBytes + 1));
      if (inflated.length > maxMessageBytes) {
        throw tooLarge(maxMessageBytes);
      }
      return inflated;
    }
  }

  static ServiceException tooLarge(long maxMessageBytes) {
    return new ServiceException(ErrorCode.RESOURCE_EXHAUSTED, "a message exceeds the limit of " + maxMessageBytes + " bytes");
  }

}
