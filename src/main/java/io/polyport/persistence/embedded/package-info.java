/**
 * The embedded database: mongo-java-server in-process, reached over loopback TCP by the real driver, and made
 * a correct, efficient change-stream source.
 *
 * <p>How it fits together: {@link io.polyport.persistence.embedded.EmbeddedMongo} builds a backend
 * ({@code MemoryStore} or {@code H2Store}) and a {@code WireServer}. The backends' collections record every
 * document stored, changed or removed into the {@code ChangeLog}, a bounded in-memory ring. Both backends hand
 * commands to {@code BackendCommands}, which answers change-stream commands through {@code ChangeStreams}
 * (cursors, events, resume tokens, errors) and, for H2, commits after writes before the changes become visible.
 * The {@code WireServer} puts an {@code AwaitDataHandler} in front of mongo-java-server's command handler, so
 * an idle change stream's getMore waits for a change instead of being answered at once.
 */
package io.polyport.persistence.embedded;
