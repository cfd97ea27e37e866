package io.polyport.rest;

import io.polyport.api.ProtoJson;
import io.polyport.api.UserProtos;
import io.polyport.domain.ErrorCode;
import io.polyport.domain.ImportRecord;
import io.polyport.domain.ServiceException;
import io.polyport.users.v1.CreateUserRequest;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.core.streams.ReadStream;

/**
 * An NDJSON body as a stream of import records, one per non-blank line, with backpressure down to the
 * socket. A line that is not a CreateUserRequest becomes a rejected record; a line over the size
 * limit becomes the record that stops the import.
 */
final class NdjsonRecords implements ReadStream<ImportRecord> {
  private final RecordParser lines;
  private final int maxLineBytes;
  private Handler<ImportRecord> handler;
  private boolean stopped;

  NdjsonRecords(ReadStream<Buffer> body, int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
    this.lines = RecordParser.newDelimited("\n", body).maxRecordSize(maxLineBytes);
  }

  @Override
  public ReadStream<ImportRecord> handler(Handler<ImportRecord> handler) {
    this.handler = handler;
    lines.handler(handler == null ? null : this::line);
    return this;
  }

  private void line(Buffer line) {
    if (stopped) {
      return;
    }
    String text = line.toString().strip();
    if (text.isEmpty()) {
      return;
    }
    ImportRecord record;
    try {
      record = ImportRecord.of(UserProtos.fromProto(ProtoJson.parse(text, CreateUserRequest.newBuilder()).build()));
    } catch (ServiceException e) {
      record = ImportRecord.rejected(e);
    }
    handler.handle(record);
  }

  @Override
  public ReadStream<ImportRecord> exceptionHandler(Handler<Throwable> exceptionHandler) {
    lines.exceptionHandler(e -> {
      if (e instanceof IllegalStateException && !stopped && handler != null) {
        stopped = true;
        handler.handle(ImportRecord.stop(new ServiceException(ErrorCode.RESOURCE_EXHAUSTED,
            "a line exceeds the limit of " + maxLineBytes + " bytes")));
      } else if (exceptionHandler != null) {
        exceptionHandler.handle(e);
      }
    });
    return this;
  }

  @Override
  public ReadStream<ImportRecord> pause() {
    lines.pause();
    return this;
  }

  @Override
  public ReadStream<ImportRecord> resume() {
    lines.resume();
    return this;
  }

  @Override
  public ReadStream<ImportRecord> fetch(long amount) {
    lines.fetch(amount);
    return this;
  }

  @Override
  public ReadStream<ImportRecord> endHandler(Handler<Void> endHandler) {
    lines.endHandler(endHandler);
    return this;
  }
}
