/** A chat message as stored and shown. */
export interface ChatMessage {
  id: string;
  room: string;
  nick: string;
  text: string;
  at: string;
}

/** What instances tell each other on the shared broadcast channel. */
export type NetworkEvent =
  | { kind: "message"; message: ChatMessage }
  | { kind: "join"; room: string; nick: string; node: string }
  | { kind: "leave"; room: string; nick: string; node: string }
  | { kind: "presence"; room: string; nicks: string[]; node: string };

/** What the server sends to a browser over the WebSocket. */
export type ClientEvent =
  | { type: "welcome"; room: string; nick: string; node: string; members: string[]; history: ChatMessage[] }
  | { type: "message"; message: ChatMessage }
  | { type: "presence"; members: string[] }
  | { type: "error"; message: string };
