package io.polyport.persistence.embedded;

import de.bwaldvogel.mongo.MongoBackend;

/** A mongo-java-server backend that records its changes and serves change streams from them. */
interface EmbeddedBackend extends MongoBackend {

  ChangeStreams changeStreams();
}
