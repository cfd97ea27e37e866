package io.polyport.persistence;

import io.polyport.domain.NewUser;
import io.polyport.domain.User;
import io.polyport.domain.UserField;
import io.polyport.domain.UserPatch;
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

  /** The $set/$unset/$inc document of a patch (the mask decides which fields). */
  static JsonObject change(UserPatch patch, Instant now) {
    var set = new JsonObject().put(UPDATE_TIME, date(now));
    var unset = new JsonObject();
    for (UserField field : patch.mask()) {
      switch (field) {
        case NAME -> set.put(NAME, patch.name());
        case EMAIL -> set.put(EMAIL, patch.email());
        case TAGS -> set.put(TAGS, new JsonArray(new ArrayList<>(patch.tags())));
        case AGE -> {
          if (patch.age() == null) {
            unset.put(AGE, "");
          } else {
            set.put(AGE, patch.age());
          }
        }
      }
    }
    var change = new JsonObject().put("$set", set).put("$inc", new JsonObject().put(VERSION, 1));
    if (!unset.isEmpty()) {
      change.put("$unset", unset);
    }
    return change;
  }

  /** The user after {@code patch} was applied to {@code current} at {@code now}. */
  static User applied(User current, UserPatch patch, Instant now) {
    var mask = patch.mask();
    return new User(current.id(),
        mask.contains(UserField.NAME) ? patch.name() : current.name(),
        mask.contains(UserField.EMAIL) ? patch.email() : current.email(),
        mask.contains(UserField.AGE) ? patch.age() : current.age(),
        mask.contains(UserField.TAGS) ? patch.tags() : current.tags(),
        current.createTime(), now, current.version() + 1);
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

  /** A user from the driver's own document type (change stream events). */
  static User toUser(org.bson.Document doc) {
    List<String> tags = new ArrayList<>();
    Object rawTags = doc.get(TAGS);
    if (rawTags instanceof List<?> list) {
      list.forEach(t -> tags.add(String.valueOf(t)));
    }
    Object id = doc.get(ID);
    Object age = doc.get(AGE);
    Object version = doc.get(VERSION);
    return new User(
        id instanceof org.bson.types.ObjectId oid ? oid.toHexString() : String.valueOf(id),
        doc.getString(NAME) == null ? "" : doc.getString(NAME),
        doc.getString(EMAIL) == null ? "" : doc.getString(EMAIL),
        age instanceof Number n ? n.intValue() : null,
        tags,
        instant(doc.get(CREATE_TIME)),
        instant(doc.get(UPDATE_TIME)),
        version instanceof Number n ? n.intValue() : 0);
  }

  /** A deleted user known only by its document key. */
  static User deletedOnly(org.bson.BsonDocument key) {
    String id = key == null || !key.containsKey(ID) ? ""
        : key.get(ID).isObjectId() ? key.getObjectId(ID).getValue().toHexString() : key.get(ID).toString();
    return new User(id, "", "", null, List.of(), Instant.EPOCH, Instant.EPOCH, 0);
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
    if (value instanceof java.util.Date date) {
      return date.toInstant();
    }
    if (value instanceof JsonObject date && date.containsKey("$date")) {
      Object v = date.getValue("$date");
      return v instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : OffsetDateTime.parse(v.toString()).toInstant();
    }
    return Instant.EPOCH;
  }
}
