# The application image: API, live stream, worker and staff UI in one Node process.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --include=dev
COPY . .
RUN npm run build --if-present
EXPOSE 3000
CMD ["node", "server/main.ts"]
