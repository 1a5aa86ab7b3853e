// Sluice Chat front end: join a room, talk, see who is here, reconnect with backoff.
const $ = (id) => document.getElementById(id);
const NICK = /^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u;
const ROOM = /^[a-z0-9][a-z0-9-]{0,31}$/;

const state = { socket: null, nick: "", room: "", retry: 0, timer: 0, wanted: false };

function setStatus(kind, text) {
  const status = $("status");
  status.className = `status status-${kind}`;
  status.textContent = text;
}

function showError(id, text) {
  const el = $(id);
  el.textContent = text ?? "";
  el.hidden = !text;
}

function formatTime(iso) {
  return new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function addMessage(message) {
  const list = $("messages");
  if (list.querySelector(`[data-id="${CSS.escape(message.id)}"]`)) return;
  const item = document.createElement("li");
  item.className = message.nick === state.nick ? "message mine" : "message";
  item.dataset.id = message.id;
  const meta = document.createElement("span");
  meta.className = "meta";
  meta.textContent = `${message.nick} · ${formatTime(message.at)}`;
  const text = document.createElement("span");
  text.className = "text";
  text.textContent = message.text;
  item.append(meta, text);
  list.append(item);
  list.scrollTop = list.scrollHeight;
}

function addNotice(text) {
  const item = document.createElement("li");
  item.className = "notice";
  item.textContent = text;
  $("messages").append(item);
}

function showMembers(members) {
  $("member-count").textContent = String(members.length);
  $("members").replaceChildren(
    ...members.map((nick) => {
      const item = document.createElement("li");
      item.textContent = nick;
      return item;
    }),
  );
}

function handle(event) {
  switch (event.type) {
    case "welcome":
      $("messages").replaceChildren();
      event.history.forEach(addMessage);
      showMembers(event.members);
      addNotice(`You joined #${event.room} as ${event.nick}`);
      break;
    case "message":
      addMessage(event.message);
      break;
    case "presence":
      showMembers(event.members);
      break;
    case "error":
      showError("chat-error", event.message);
      break;
  }
}

function scheduleReconnect() {
  const delay = Math.min(8000, 500 * 2 ** state.retry) * (0.75 + Math.random() * 0.5);
  state.retry += 1;
  setStatus("offline", `offline — retrying in ${Math.ceil(delay / 1000)} s`);
  state.timer = setTimeout(connect, delay);
}

function connect() {
  clearTimeout(state.timer);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = new URLSearchParams({ room: state.room, nick: state.nick });
  const socket = new WebSocket(`${scheme}://${location.host}/ws?${query}`);
  state.socket = socket;
  setStatus("connecting", "connecting…");
  socket.addEventListener("open", () => {
    state.retry = 0;
    setStatus("online", `online as ${state.nick}`);
    $("send").disabled = false;
  });
  socket.addEventListener("message", (message) => handle(JSON.parse(message.data)));
  socket.addEventListener("close", (close) => {
    if (state.socket !== socket) return;
    $("send").disabled = true;
    if (!state.wanted) return setStatus("idle", "not connected");
    if (close.code === 1008) {
      state.wanted = false;
      showError("chat-error", close.reason || "the server refused this connection");
      return setStatus("offline", "refused");
    }
    scheduleReconnect();
  });
}

function join(nick, room) {
  state.nick = nick;
  state.room = room;
  state.wanted = true;
  localStorage.setItem("sluice-chat", JSON.stringify({ nick, room }));
  location.hash = room;
  $("room-title").textContent = `#${room}`;
  $("join").hidden = true;
  $("chat").hidden = false;
  showError("chat-error", "");
  connect();
  $("message-input").focus();
}

function leave() {
  state.wanted = false;
  clearTimeout(state.timer);
  state.socket?.close(1000, "left the room");
  state.socket = null;
  $("chat").hidden = true;
  $("join").hidden = false;
  setStatus("idle", "not connected");
}

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const nick = $("nick").value.trim();
  const room = $("room").value.trim().toLowerCase();
  if (!nick || nick.length > 24 || !NICK.test(nick)) {
    return showError("join-error", "Nicknames are 1–24 letters, digits, spaces, '_', '.' or '-', starting with a letter or digit.");
  }
  if (!ROOM.test(room)) return showError("join-error", "Room names are 1–32 characters of a–z, 0–9 and '-'.");
  showError("join-error", "");
  join(nick, room);
});

$("message-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("message-input");
  const text = input.value;
  if (!text.trim() || state.socket?.readyState !== WebSocket.OPEN) return;
  state.socket.send(JSON.stringify({ type: "message", text }));
  input.value = "";
  showError("chat-error", "");
});

$("leave").addEventListener("click", leave);

const saved = JSON.parse(localStorage.getItem("sluice-chat") ?? "null");
if (saved) {
  $("nick").value = saved.nick;
  $("room").value = location.hash.slice(1) || saved.room;
} else if (location.hash.length > 1) {
  $("room").value = location.hash.slice(1);
}
