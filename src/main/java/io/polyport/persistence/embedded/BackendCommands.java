package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;

import java.util.Locale;
import java.util.Set;

/**
 * The command handling both backends share: change-stream commands go to {@link ChangeStreams}; every other
 * command goes to the backend, and when it may have written, {@code afterWrite} runs (H2 commits its file)
 * before the changes it recorded become visible to change streams and before the answer is sent.
 */
final class BackendCommands {
  private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify", "create",
      "createindexes", "dropindexes", "drop", "dropdatabase", "renamecollection");

  /** The backend's own handling of a command. */
  interface Next {
    Document handle(Channel channel, String database, String command, Document query);
  }

  private final ChangeStreams streams;
  private final Runnable afterWrite;

  BackendCommands(ChangeStreams streams, Runnable afterWrite) {
    this.streams = streams;
    this.afterWrite = afterWrite;
  }

  ChangeStreams streams() {
    return streams;
  }

  Oplog oplog() {
    return new RingOplog(streams);
  }

  Document handle(Channel channel, String database, String command, Document query, Next next) {
    if ("aggregate".equalsIgnoreCase(command) && ChangeStreams.isChangeStream(query)) {
      return streams.aggregate(database, query);
    }
    if ("collMod".equalsIgnoreCase(command) && query.containsKey("changeStreamPreAndPostImages")
        && query.keySet().stream().allMatch(k -> k.equals("collMod") || k.startsWith("$") || k.equals("changeStreamPreAndPostImages"))) {
      // the change log always keeps the document before a change: the option is already in force
      return new Document("ok", 1.0);
    }
    if ("getMore".equalsIgnoreCase(command)) {
      Document reply = streams.getMore(query);
      if (reply != null) {
        return reply;
      }
    }
    ChangeLog log = streams.log();
    log.beginCommand();
    try {
      return next.handle(channel, database, command, query);
    } finally {
      try {
        if (WRITES.contains(command.toLowerCase(Locale.ROOT))) {
          afterWrite.run();
        }
      } finally {
        log.endCommand();
      }
    }
  }
}
