package io.polyport.persistence;

import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import com.mongodb.MongoClientSettings;
import org.bson.types.ObjectId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.polyport.persistence.UserDocuments.*;

/**
 * Users straight between BSON and the domain, with the driver's own reader and writer: the document shape of
 * {@link UserDocuments}, without a document tree in between (vertx-mongo-client's JSON form turned every date
 * into an ISO string that had to be parsed back, which cost more than the rest of a list stream).
 */
final class UserCodecs {
  /** The users' codecs first, the driver's defaults (filters, updates, commands) after them. */
  static final CodecRegistry REGISTRY = CodecRegistries.fromRegistries(
      CodecRegistries.fromCodecs(new UserCodec()),
      MongoClientSettings.getDefaultCodecRegistry());

  private UserCodecs() {
  }

  /** A new user as it is stored: the id, version 1 and both timestamps {@code now}. */
  record NewDocument(ObjectId id, NewUser user, Instant now) {
    private static final NewDocumentCodec CODEC = new NewDocumentCodec();

    /**
     * The document's bytes, encoded into a plain array; the driver copies them to its network buffers in one
     * piece. Encoding field by field straight into those buffers cost more than the rest of an import.
     */
    RawBsonDocument bson() {
      return new RawBsonDocument(this, CODEC);
    }

    User stored() {
      return new User(id.toHexString(), user.name(), user.email(), user.age(), user.tags(), now, now, 1);
    }
  }

  /** Reads a stored user; fields it does not know are skipped, missing or mistyped ones take their defaults. */
  static final class UserCodec implements Codec<User> {
    @Override
    public User decode(BsonReader r, DecoderContext context) {
      String id = "";
      String name = "";
      String email = "";
      Integer age = null;
      List<String> tags = new ArrayList<>(4);
      Instant created = Instant.EPOCH;
      Instant updated = Instant.EPOCH;
      int version = 0;
      r.readStartDocument();
      while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
        String field = r.readName();
        BsonType type = r.getCurrentBsonType();
        switch (field) {
          case ID -> id = type == BsonType.OBJECT_ID ? r.readObjectId().toHexString()
              : type == BsonType.STRING ? r.readString() : skip(r, "");
          case NAME -> name = type == BsonType.STRING ? r.readString() : skip(r, "");
          case EMAIL -> email = type == BsonType.STRING ? r.readString() : skip(r, "");
          case AGE -> age = number(r, type);
          case TAGS -> readTags(r, type, tags);
          case CREATE_TIME -> created = type == BsonType.DATE_TIME ? Instant.ofEpochMilli(r.readDateTime()) : skip(r, Instant.EPOCH);
          case UPDATE_TIME -> updated = type == BsonType.DATE_TIME ? Instant.ofEpochMilli(r.readDateTime()) : skip(r, Instant.EPOCH);
          case VERSION -> {
            Integer v = number(r, type);
            version = v == null ? 0 : v;
          }
          default -> r.skipValue();
        }
      }
      r.readEndDocument();
      return new User(id, name, email, age, tags, created, updated, version);
    }

    private static void readTags(BsonReader r, BsonType type, List<String> tags) {
      if (type != BsonType.ARRAY) {
        r.skipValue();
        return;
      }
      r.readStartArray();
      while (r.readBsonType() != BsonType.END_OF_DOCUMENT) {
        if (r.getCurrentBsonType() == BsonType.STRING) {
          tags.add(r.readString());
        } else {
          r.skipValue();
        }
      }
      r.readEndArray();
    }

    private static Integer number(BsonReader r, BsonType type) {
      return switch (type) {
        case INT32 -> r.readInt32();
        case INT64 -> (int) r.readInt64();
        case DOUBLE -> (int) r.readDouble();
        default -> skip(r, null);
      };
    }

    private static <T> T skip(BsonReader r, T value) {
      r.skipValue();
      return value;
    }

    @Override
    public void encode(BsonWriter writer, User value, EncoderContext context) {
      throw new UnsupportedOperationException("users are stored as a NewDocument, then changed by updates");
    }

    @Override
    public Class<User> getEncoderClass() {
      return User.class;
    }
  }

  /** Writes a new user: {@code {_id, name, email, tags, createTime, updateTime, version, age?}}. */
  static final class NewDocumentCodec implements Codec<NewDocument> {
    @Override
    public void encode(BsonWriter w, NewDocument d, EncoderContext context) {
      NewUser u = d.user();
      long now = d.now().toEpochMilli();
      w.writeStartDocument();
      w.writeObjectId(ID, d.id());
      w.writeString(NAME, u.name());
      w.writeString(EMAIL, u.email());
      w.writeStartArray(TAGS);
      for (String tag : u.tags()) {
        w.writeString(tag);
      }
      w.writeEndArray();
      w.writeDateTime(CREATE_TIME, now);
      w.writeDateTime(UPDATE_TIME, now);
      w.writeInt32(VERSION, 1);
      if (u.age() != null) {
        w.writeInt32(AGE, u.age());
      }
      w.writeEndDocument();
    }

    @Override
    public NewDocument decode(BsonReader reader, DecoderContext context) {
      throw new UnsupportedOperationException("new documents are only written");
    }

    @Override
    public Class<NewDocument> getEncoderClass() {
      return NewDocument.class;
    }
  }
}
