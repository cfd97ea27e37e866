package io.polyport.persistence;

import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Users as MongoDB documents (in the JSON form of vertx-mongo-client):
 * {@code {_id: ObjectId, name, email, age?, tags, createTime: Date, updateTime: Date, version}}.
 * Field names are constants here only; values are plain data, never operators from a client.
 */
final class UserDocuments {
  static final String ID = "_id";
  static final String NAME = "name";
  static final String EMAIL = "email";
  static final String AGE = "age";
  static final String TAGS = "tags";
  static final String CREATE_TIME = "createTime";
  static final String UPDATE_TIME = "updateTime";
  static final String VERSION = "version";

  private UserDocuments() {
  }

  static JsonObject newDocument(String id, NewUser u, Instant now) {
    var doc = new JsonObject()
        .put(ID, oid(id))
        .put(NAME, u.name())
        .put(EMAIL, u.email())
        .put(TAGS, new JsonArray(new ArrayList<>(u.tags())))
        .put(CREATE_TIME, date(now))
        .put(UPDATE_TIME, date(now))
        .put(VERSION, 1);
    if (u.age() != null) {
      doc.put(AGE, u.age());
    }
    return doc;
  }

  static User toUser(JsonObject doc) {
    JsonArray tags = doc.getJsonArray(TAGS);
    List<String> tagList = new ArrayList<>(tags == null ? 0 : tags.size());
    if (tags != null) {
      for (int i = 0; i < tags.size(); i++) {
        tagList.add(tags.getString(i));
      }
    }
    return new User(
        idOf(doc),
        doc.getString(NAME, ""),
        doc.getString(EMAIL, ""),
        doc.getInteger(AGE),
        tagList,
        instant(doc.getValue(CREATE_TIME)),
        instant(doc.getValue(UPDATE_TIME)),
        doc.getInteger(VERSION, 0));
  }

  static String idOf(JsonObject doc) {
    Object id = doc.getValue(ID);
    return id instanceof JsonObject oid ? oid.getString("$oid") : String.valueOf(id);
  }

  static JsonObject oid(String hex) {
    return new JsonObject().put("$oid", hex);
  }

  static JsonObject date(Instant t) {
    return new JsonObject().put("$date", t.toString());
  }

  static Instant instant(Object value) {
    if (value instanceof JsonObject date && date.containsKey("$date")) {
      Object v = date.getValue("$date");
      return v instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : OffsetDateTime.parse(v.toString()).toInstant();
    }
    return Instant.EPOCH;
  }
}
