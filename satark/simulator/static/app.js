/* WhatsApp simulator page: one column per simulated phone.
 *
 * Direction names follow the control API: a message with direction "out" was sent BY THE
 * BUSINESS (the bot) TO the phone and is rendered as `.msg.out.bot`; "in" was sent BY THE
 * PHONE to the business and is rendered as `.msg.in.user`.
 * Everything is plain DOM (textContent only), no external resources.
 */
(function () {
  "use strict";

  var API = "/_sim/api";
  var phones = {}; // digits -> PhoneView
  var businessNumber = "";

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        var value = attrs[key];
        if (value === undefined || value === null) return;
        if (key === "text") node.textContent = value;
        else if (key === "className") node.className = value;
        else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value);
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function api(method, path, body) {
    var options = { method: method, headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json; charset=utf-8";
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
        return data;
      });
    });
  }

  function clock(ts) {
    var date = new Date(parseInt(ts, 10) * 1000);
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  function mediaSrc(obj) {
    if (!obj) return null;
    if (obj.id) return "/_sim/media/" + encodeURIComponent(obj.id);
    return obj.link || null;
  }

  function mediaNode(kind, obj) {
    var src = mediaSrc(obj);
    if (!src) return el("div", { text: "[" + kind + "]" });
    if (kind === "image" || kind === "sticker") return el("img", { src: src, alt: kind, className: "media " + kind });
    if (kind === "video") return el("video", { src: src, controls: "controls", className: "media video" });
    if (kind === "audio") return el("audio", { src: src, controls: "controls", className: "media audio" });
    return el("a", { href: src, target: "_blank", className: "media document", text: "📄 " + (obj.filename || "document") });
  }

  var TICKS = { sent: "✓", delivered: "✓✓", read: "✓✓", failed: "⚠ failed" };

  function summary(entry) {
    var p = entry.payload || {};
    if (p.type === "text") return p.text && p.text.body;
    if (p.type === "interactive") {
      var i = p.interactive || {};
      if (i.body) return i.body.text;
      var reply = i.button_reply || i.list_reply;
      if (reply) return reply.title;
    }
    if (p.type === "template") return "Template " + (p.template && p.template.name);
    if (p.type === "button") return p.button && p.button.text;
    if (p.type === "location") return "📍 Location";
    return "[" + (p.type || "message") + "]";
  }

  function PhoneView(info) {
    var self = this;
    this.number = info.phone;
    this.signature = "";
    this.openList = null; // wamid of the list message whose rows are shown
    this.locationContext = null;
    this.readPending = false;
    var fragment = document.getElementById("phone-template").content.cloneNode(true);
    this.root = fragment.querySelector(".phone");
    this.root.setAttribute("data-phone", info.phone);
    this.chat = this.root.querySelector(".chat");
    this.typing = this.root.querySelector(".typing");
    this.locationPanel = this.root.querySelector(".location-panel");
    this.composer = this.root.querySelector(".composer");
    this.input = this.composer.querySelector("input[name=text]");
    this.notice = null;
    this.update(info);

    this.composer.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value;
      if (!text.trim()) return;
      self.input.value = "";
      self.send({ type: "text", text: text });
    });
    this.root.querySelector(".location-open").addEventListener("click", function () {
      self.showLocation(null);
    });
    this.root.querySelector(".location-cancel").addEventListener("click", function () {
      self.locationPanel.hidden = true;
    });
    this.root.querySelector(".location-send").addEventListener("click", function () {
      var lat = parseFloat(self.locationPanel.querySelector("input[name=latitude]").value);
      var lon = parseFloat(self.locationPanel.querySelector("input[name=longitude]").value);
      var name = self.locationPanel.querySelector("input[name=place_name]").value.trim();
      if (isNaN(lat) || isNaN(lon)) { self.showNotice("Latitude and longitude must be numbers"); return; }
      var body = { type: "location", latitude: lat, longitude: lon };
      if (name) body.name = name;
      if (self.locationContext) body.context_id = self.locationContext;
      self.locationPanel.hidden = true;
      self.send(body);
    });
    this.root.querySelector("input[type=file].photo").addEventListener("change", function (event) {
      var file = event.target.files && event.target.files[0];
      event.target.value = "";
      if (file) self.sendFile(file);
    });
    this.root.querySelector(".remove-phone").addEventListener("click", function () {
      if (!window.confirm("Remove this phone and its chat?")) return;
      api("DELETE", "/phones/" + self.number).then(refreshPhones);
    });
  }

  PhoneView.prototype.update = function (info) {
    this.root.querySelector(".phone-label").textContent = info.label || info.profile_name || "Phone";
    this.root.querySelector(".phone-number").textContent = "+" + info.phone + " · " + (info.profile_name || "");
  };

  PhoneView.prototype.showNotice = function (text) {
    if (!this.notice) {
      this.notice = el("div", { className: "notice" });
      this.root.insertBefore(this.notice, this.composer);
    }
    this.notice.textContent = text;
  };

  PhoneView.prototype.showLocation = function (contextId) {
    this.locationContext = contextId;
    this.locationPanel.hidden = false;
  };

  PhoneView.prototype.send = function (body) {
    var self = this;
    return api("POST", "/phones/" + this.number + "/send", body)
      .then(function () { if (self.notice) self.notice.textContent = ""; return self.poll(); })
      .catch(function (err) { self.showNotice("Could not send: " + err.message); });
  };

  PhoneView.prototype.sendFile = function (file) {
    var self = this;
    var mime = file.type || "application/octet-stream";
    var kind = mime.indexOf("image/") === 0 ? "image"
      : mime.indexOf("video/") === 0 ? "video"
      : mime.indexOf("audio/") === 0 ? "audio" : "document";
    var reader = new FileReader();
    reader.onload = function () {
      var data = String(reader.result);
      var body = { type: kind, mime_type: mime, data_base64: data.slice(data.indexOf(",") + 1) };
      var caption = self.input.value.trim();
      if (caption && kind !== "audio") { body.caption = caption; self.input.value = ""; }
      if (kind === "document") body.filename = file.name;
      self.send(body);
    };
    reader.readAsDataURL(file);
  };

  PhoneView.prototype.poll = function () {
    var self = this;
    return api("GET", "/phones/" + this.number + "/messages").then(function (data) {
      var signature = JSON.stringify(data) + "|" + self.openList;
      if (signature !== self.signature) {
        self.signature = signature;
        self.render(data.messages);
      }
      self.typing.hidden = !data.typing;
      self.markRead(data.messages);
    }).catch(function () { /* simulator restarting; try again next tick */ });
  };

  PhoneView.prototype.markRead = function (messages) {
    var self = this;
    if (this.readPending || document.visibilityState === "hidden") return;
    var unread = messages.some(function (m) { return m.direction === "out" && m.status === "delivered"; });
    if (!unread) return;
    this.readPending = true;
    api("POST", "/phones/" + this.number + "/read", {})
      .catch(function () {})
      .then(function () { self.readPending = false; });
  };

  PhoneView.prototype.render = function (messages) {
    var self = this;
    var atBottom = this.chat.scrollHeight - this.chat.scrollTop - this.chat.clientHeight < 40;
    var byId = {};
    var reactions = {};
    messages.forEach(function (m) {
      byId[m.wamid] = m;
      var p = m.payload || {};
      if (p.type === "reaction" && p.reaction) reactions[p.reaction.message_id] = p.reaction.emoji || "";
    });
    this.chat.textContent = "";
    messages.forEach(function (m) {
      var p = m.payload || {};
      if (p.type === "reaction" && p.reaction && byId[p.reaction.message_id]) return;
      var node = m.direction === "out" ? self.renderBot(m) : self.renderUser(m);
      node.setAttribute("data-wamid", m.wamid);
      var quotedId = m.direction === "out"
        ? (p.context && p.context.message_id)
        : (p.context && p.context.id);
      if (quotedId && byId[quotedId] && p.type !== "interactive") {
        node.insertBefore(el("div", { className: "quote", text: summary(byId[quotedId]) || "" }), node.firstChild);
      }
      var emoji = reactions[m.wamid];
      if (emoji) {
        node.classList.add("has-reaction");
        node.appendChild(el("span", { className: "reaction-badge", text: emoji }));
      }
      node.appendChild(self.meta(m));
      self.chat.appendChild(node);
    });
    if (atBottom) this.chat.scrollTop = this.chat.scrollHeight;
  };

  PhoneView.prototype.meta = function (m) {
    var ticks = TICKS[m.status] || "🕓";
    var children = [clock(m.timestamp) + " ", el("span", { className: "ticks", "data-status": m.status || "pending", text: ticks })];
    var meta = el("span", { className: "meta" }, children);
    if (m.status === "failed" && m.errors && m.errors.length) {
      meta.appendChild(el("div", { className: "error-note", text: m.errors[0].code + " " + m.errors[0].title }));
    }
    return meta;
  };

  PhoneView.prototype.renderBot = function (m) {
    var p = m.payload || {};
    var node = el("div", { className: "msg out bot", "data-type": p.type, "data-status": m.status || "pending" });
    var type = p.type || "text";
    if (type === "text") {
      node.appendChild(el("div", { className: "body", text: (p.text && p.text.body) || "" }));
    } else if (type === "interactive") {
      this.renderInteractive(node, m, p.interactive || {});
    } else if (["image", "video", "audio", "document", "sticker"].indexOf(type) >= 0) {
      var obj = p[type] || {};
      node.appendChild(mediaNode(type, obj));
      if (obj.caption) node.appendChild(el("div", { className: "caption", text: obj.caption }));
    } else if (type === "location") {
      var loc = p.location || {};
      node.appendChild(el("div", { text: "📍 " + [loc.name, loc.address].filter(Boolean).join(", ") + " (" + loc.latitude + ", " + loc.longitude + ")" }));
    } else if (type === "template") {
      this.renderTemplate(node, m, p.template || {});
    } else if (type === "reaction") {
      node.appendChild(el("div", { text: "Reacted " + ((p.reaction && p.reaction.emoji) || "") }));
    } else if (type === "contacts") {
      node.appendChild(el("div", { text: "👤 " + (p.contacts || []).map(function (c) { return c.name && c.name.formatted_name; }).join(", ") }));
    } else {
      node.appendChild(el("div", { text: "[" + type + "]" }));
    }
    return node;
  };

  PhoneView.prototype.renderInteractive = function (node, m, i) {
    var self = this;
    if (i.header) {
      if (i.header.type === "text") node.appendChild(el("div", { className: "header", text: i.header.text }));
      else node.appendChild(mediaNode(i.header.type, i.header[i.header.type]));
    }
    if (i.body) node.appendChild(el("div", { className: "body", text: i.body.text }));
    if (i.footer) node.appendChild(el("div", { className: "footer", text: i.footer.text }));
    var action = i.action || {};
    var actions = el("div", { className: "actions" });
    node.appendChild(actions);
    if (i.type === "button") {
      (action.buttons || []).forEach(function (b) {
        var reply = b.reply || {};
        actions.appendChild(el("button", {
          type: "button", className: "reply-button", "data-id": reply.id, text: reply.title,
          onclick: function () { self.send({ type: "button_reply", id: reply.id, title: reply.title, context_id: m.wamid }); }
        }));
      });
    } else if (i.type === "list") {
      var open = self.openList === m.wamid;
      actions.appendChild(el("button", {
        type: "button", className: "list-open", "aria-expanded": open ? "true" : "false", text: "☰ " + action.button,
        onclick: function () { self.openList = open ? null : m.wamid; self.signature = ""; self.poll(); }
      }));
      if (open) {
        var panel = el("div", { className: "list-panel" });
        (action.sections || []).forEach(function (section) {
          if (section.title) panel.appendChild(el("div", { className: "list-section-title", text: section.title }));
          (section.rows || []).forEach(function (row) {
            panel.appendChild(el("button", {
              type: "button", className: "list-row", "data-id": row.id,
              onclick: function () {
                var body = { type: "list_reply", id: row.id, title: row.title, context_id: m.wamid };
                if (row.description) body.description = row.description;
                self.openList = null;
                self.send(body);
              }
            }, [el("span", { className: "row-title", text: row.title }),
              row.description ? el("span", { className: "row-description", text: row.description }) : null]));
          });
        });
        node.appendChild(panel);
      }
    } else if (i.type === "location_request_message") {
      actions.appendChild(el("button", {
        type: "button", className: "send-location", text: "📍 Send location",
        onclick: function () { self.showLocation(m.wamid); }
      }));
    }
  };

  PhoneView.prototype.renderTemplate = function (node, m, t) {
    var self = this;
    node.classList.add("template");
    node.appendChild(el("div", { className: "template-name", text: "Template: " + t.name + " (" + ((t.language && t.language.code) || "") + ")" }));
    var buttons = [];
    (t.components || []).forEach(function (c) {
      var params = c.parameters || [];
      if (c.type === "button") { buttons.push(c); return; }
      params.forEach(function (param) {
        if (param.type === "text") {
          var label = param.parameter_name ? param.parameter_name + ": " : "";
          node.appendChild(el("div", { className: "template-param", text: label + param.text }));
        } else if (["image", "video", "document"].indexOf(param.type) >= 0) {
          node.appendChild(mediaNode(param.type, param[param.type]));
        } else {
          node.appendChild(el("div", { className: "template-param", text: param.type + ": " + JSON.stringify(param[param.type] || "") }));
        }
      });
    });
    if (!buttons.length) return;
    var actions = el("div", { className: "actions" });
    buttons.forEach(function (c) {
      if (c.sub_type !== "quick_reply") return;
      (c.parameters || []).forEach(function (param) {
        var payload = param.payload || param.text || "";
        actions.appendChild(el("button", {
          type: "button", className: "template-button", "data-payload": payload, text: payload,
          onclick: function () { self.send({ type: "button", payload: payload, text: payload, context_id: m.wamid }); }
        }));
      });
    });
    node.appendChild(actions);
  };

  PhoneView.prototype.renderUser = function (m) {
    var p = m.payload || {};
    var type = p.type;
    var cls = type === "system" ? "msg in user system" : "msg in user";
    var node = el("div", { className: cls, "data-type": type, "data-status": m.status || "pending" });
    if (type === "text") node.appendChild(el("div", { className: "body", text: p.text.body }));
    else if (type === "interactive") {
      var reply = p.interactive.button_reply || p.interactive.list_reply || {};
      node.appendChild(el("div", { className: "body", text: reply.title || "" }));
      if (reply.description) node.appendChild(el("div", { className: "footer", text: reply.description }));
    } else if (type === "button") node.appendChild(el("div", { className: "body", text: p.button.text }));
    else if (type === "location") {
      var loc = p.location;
      node.appendChild(el("div", { text: "📍 " + (loc.name ? loc.name + " " : "") + loc.latitude + ", " + loc.longitude }));
    } else if (["image", "video", "audio", "document", "sticker"].indexOf(type) >= 0) {
      node.appendChild(mediaNode(type, p[type]));
      if (p[type].caption) node.appendChild(el("div", { className: "caption", text: p[type].caption }));
    } else if (type === "reaction") node.appendChild(el("div", { text: "Reacted " + (p.reaction.emoji || "") }));
    else if (type === "system") node.appendChild(el("div", { text: p.system.body }));
    else if (type === "contacts") node.appendChild(el("div", { text: "👤 contact card" }));
    else node.appendChild(el("div", { text: "[" + type + " message]" }));
    return node;
  };

  function refreshPhones() {
    return api("GET", "/phones").then(function (data) {
      var container = document.getElementById("phones");
      var seen = {};
      data.phones.forEach(function (info) {
        seen[info.phone] = true;
        var view = phones[info.phone];
        if (!view) {
          view = phones[info.phone] = new PhoneView(info);
          container.appendChild(view.root);
          view.poll();
        } else {
          view.update(info);
        }
      });
      Object.keys(phones).forEach(function (number) {
        if (!seen[number]) {
          phones[number].root.remove();
          delete phones[number];
        }
      });
    }).catch(function () {});
  }

  function pollAll() {
    Object.keys(phones).forEach(function (number) { phones[number].poll(); });
  }

  document.getElementById("add-phone").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var body = { phone: form.phone.value, label: form.label.value.trim() };
    if (form.profile_name.value.trim()) body.profile_name = form.profile_name.value.trim();
    api("POST", "/phones", body).then(function () {
      form.reset();
      return refreshPhones();
    }).catch(function (err) { window.alert("Could not add phone: " + err.message); });
  });

  api("GET", "/config").then(function (cfg) {
    businessNumber = cfg.display_phone_number;
    document.getElementById("business").textContent =
      cfg.verified_name + " · +" + businessNumber + " · webhooks → " + cfg.webhook_url;
  }).catch(function () {});

  refreshPhones();
  setInterval(pollAll, 1000);
  setInterval(refreshPhones, 2000);
})();
