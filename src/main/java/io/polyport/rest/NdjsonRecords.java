package io.polyport.rest;

import io.polyport.api.CreateUserJson;
import io.polyport.api.UserProtos;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportRecord;
import io.polyport.domain.ServiceException;
import io.polyport.support.StrictUtf8;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * An NDJSON body as a stream of import records, one per non-blank line, with backpressure down to the
 * socket: while the consumer is paused, no more of the body is read. A line that is not a
 * CreateUserRequest becomes a rejected record; a line longer than the limit, or a body that breaks off because it
 * cannot be inflated (after the lines read whole before the break), becomes the record that stops the import (what
 * is buffered is bounded by one chunk plus one line).
 */
final class NdjsonRecords implements ReadStream<ImportRecord> {
  private final ReadStream<Buffer> body;
  private final int maxLineBytes;
  private Buffer pending = Buffer.buffer();
  private int start;
  private long demand = Long.MAX_VALUE;
  private boolean bodyEnded;
  /** Why the body broke off (it could not be inflated): the import stops there, after the lines read whole. */
  private ServiceException bodyBroken;
  private boolean finished;
  private boolean draining;
  private Handler<ImportRecord> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;

  NdjsonRecords(ReadStream<Buffer> body, int maxLineBytes) {
    this.body = body;
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public ReadStream<ImportRecord> handler(Handler<ImportRecord> handler) {
    this.handler = handler;
    if (handler == null) {
      body.handler(null);
      return this;
    }
    body.exceptionHandler(e -> {
      Throwable failure = RestErrors.ofBody(e, "upload");
      if (finished) {
        return;
      }
      if (failure instanceof ServiceException se && se.code() == ErrorCode.INVALID_ARGUMENT) {
        bodyBroken = se;
        bodyEnded = true;
        drain();
      } else if (exceptionHandler != null) {
        exceptionHandler.handle(failure);
      }
    });
    body.endHandler(v -> {
      bodyEnded = true;
      drain();
    });
    body.handler(chunk -> {
      pending.appendBuffer(chunk);
      drain();
    });
    // the body may have been paused while the caller was authenticated
    drain();
    return this;
  }

  /** Emits every complete line while there is demand; the last line needs no newline once the body ended. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      drainLines();
    } finally {
      draining = false;
    }
  }

  private void drainLines() {
    while (!finished && demand > 0) {
      int newline = indexOfNewline();
      if (newline < 0 && bodyBroken != null) {
        stop(bodyBroken); // a line cut off by the break is not a record
        break;
      }
      int end = newline >= 0 ? newline : (bodyEnded ? pending.length() : -1);
      if (end < 0) {
        if (withoutCr(pending.length()) - start > maxLineBytes) {
          stop(tooLong());
        }
        break;
      }
      if (withoutCr(end) - start > maxLineBytes) {
        stop(tooLong());
        break;
      }
      ImportRecord record = record(start, withoutCr(end));
      start = newline >= 0 ? newline + 1 : pending.length();
      if (record != null) {
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        handler.handle(record);
      }
      if (start >= pending.length() && bodyEnded && bodyBroken == null) {
        break;
      }
    }
    compact();
    if (!finished && bodyEnded && bodyBroken == null && start >= pending.length()) {
      finished = true;
      if (endHandler != null) {
        endHandler.handle(null);
      }
    } else if (!bodyEnded && !finished) {
      if (demand > 0) {
        body.resume();
      } else {
        body.pause();
      }
    }
  }

  /** Where the line that ends at {@code end} ends without the CR of a CRLF terminator (not part of the line). */
  private int withoutCr(int end) {
    return end > start && pending.getByte(end - 1) == '\r' ? end - 1 : end;
  }

  private int indexOfNewline() {
    for (int i = start; i < pending.length(); i++) {
      if (pending.getByte(i) == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void compact() {
    if (start > 0) {
      pending = pending.getBuffer(start, pending.length());
      start = 0;
    }
  }

  private ServiceException tooLong() {
    return new ServiceException(ErrorCode.RESOURCE_EXHAUSTED, "a line exceeds the limit of " + maxLineBytes + " bytes");
  }

  private void stop(ServiceException why) {
    finished = true;
    body.pause();
    handler.handle(ImportRecord.stop(why));
  }

  /** The record of the line {@code [from, to)} of what is pending: null for a blank line; rejected when malformed. */
  private ImportRecord record(int from, int to) {
    try {
      String line = StrictUtf8.decode(pending, from, to, "the line").strip();
      return line.isEmpty() ? null : ImportRecord.of(UserProtos.fromProto(CreateUserJson.parse(line)));
    } catch (ServiceException e) {
      return ImportRecord.rejected(e);
    }
  }

  @Override
  public ReadStream<ImportRecord> exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public ReadStream<ImportRecord> pause() {
    demand = 0;
    body.pause();
    return this;
  }

  @Override
  public ReadStream<ImportRecord> resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public ReadStream<ImportRecord> fetch(long amount) {
    demand = amount == Long.MAX_VALUE || demand + amount < 0 ? Long.MAX_VALUE : demand + amount;
    drain();
    return this;
  }

  @Override
  public ReadStream<ImportRecord> endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
