import { useState } from "react";
import { useNavigate } from "react-router-dom";
import { LogOut } from "lucide-react";
import { messageOf } from "../api/index.ts";
import { useAuth, useMe } from "../auth/AuthContext.tsx";
import { Avatar } from "./Avatar.tsx";
import { Brand } from "./Brand.tsx";

/** The top bar of the documents list: brand, who is signed in, and "Sign out". */
export function AppTopBar() {
  const me = useMe();
  const { signOut } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string>();

  const onSignOut = async () => {
    try {
      await signOut();
      navigate("/login", { replace: true });
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <header className="topbar">
      <Brand />
      <div className="topbar-spacer" />
      {error && (
        <span role="alert" className="topbar-error">
          {error}
        </span>
      )}
      <div className="whoami" title={`${me.name} · ${me.email}`}>
        <Avatar name={me.name} color={me.color} size={26} />
        <span className="whoami-text">
          <span className="whoami-name">{me.name}</span>
          <span className="whoami-company">{me.company}</span>
        </span>
      </div>
      <button type="button" className="button ghost" onClick={() => void onSignOut()}>
        <LogOut size={16} aria-hidden />
        Sign out
      </button>
    </header>
  );
}
