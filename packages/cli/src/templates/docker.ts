// Files written by `faramesh init-docker`: an image running `faramesh serve` with the project's policies.

export const DOCKERFILE = `# Faramesh gateway for this project. Build: docker build -t faramesh .
FROM node:22-slim
ENV NODE_ENV=production \\
  FARAMESH_HOST=0.0.0.0 \\
  FARAMESH_PORT=8000 \\
  FARA_DB_BACKEND=sqlite \\
  FARA_SQLITE_PATH=/app/data/actions.db \\
  FARA_POLICY_FILE=/app/policies/default.yaml
RUN npm install -g @faramesh/cli && npm cache clean --force
WORKDIR /app
COPY policies ./policies
RUN mkdir -p /app/data && chown node:node /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \\
  CMD ["node", "-e", "fetch('http://127.0.0.1:8000/ready').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["faramesh", "serve"]
`

export const COMPOSE = `services:
  faramesh:
    build: .
    ports:
      - "8000:8000"
    environment:
      - FARAMESH_ENABLE_CORS=1
      # - FARAMESH_TOKEN=change-me
      # - FARAMESH_DEMO=1
    volumes:
      - ./data:/app/data
      - ./policies:/app/policies:ro
`

export const DOCKERIGNORE = `node_modules
data
.env
*.db
*.db-wal
*.db-shm
`
