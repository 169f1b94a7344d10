/**
 * The composition part of the scenario project (scenarios/project.ts): `echo`, a documented
 * service in front of an echo upstream (its report as the response schema, its steering headers
 * as parameters), and `bff`, a gateway spec without servers whose composite operations call echo
 * and users (scenarios/compose-scenarios.ts says what each must answer).
 */
export const ECHO_SPEC = `openapi: 3.1.0
info: { title: Echo, version: "1" }
servers: [{ url: "http://echo.invalid" }]
security: []
paths:
  /echo/{word}:
    get:
      operationId: echoWord
      parameters:
        - { name: word, in: path, required: true, schema: { type: string } }
        - { name: x-echo-items, in: header, schema: { type: string } }
        - { name: x-echo-delay, in: header, schema: { type: string } }
        - { name: x-echo-status, in: header, schema: { type: string } }
      responses:
        "200":
          description: What the echo upstream received.
          content:
            application/json:
              schema:
                type: object
                properties:
                  name: { type: string }
                  method: { type: string }
                  url: { type: string }
                  headers: { type: object, additionalProperties: { type: string } }
                  bytes: { type: integer }
                  items: { type: array, items: { type: string } }
    post:
      operationId: echoPost
      parameters:
        - { name: word, in: path, required: true, schema: { type: string } }
      requestBody:
        required: true
        content: { application/json: { schema: { type: object } } }
      responses:
        "200":
          description: What the echo upstream received.
          content: { application/json: { schema: { type: object } } }
`;

const op = (id: string, x: string, extra = '') => `    get:
      operationId: ${id}${extra}
      responses: { "200": { description: Composed. } }
      x-gw:
${x}`;

export const BFF_SPEC = `openapi: 3.1.0
info: { title: BFF, version: "1" }
components:
  securitySchemes:
    apiKey: { type: apiKey, in: header, name: X-Api-Key }
paths:
  /bff/parallel:
${op(
  'parallel',
  `        timeouts: { request: 700ms }   # two steps of 400 ms each fit only side by side
        compose:
          steps:
            a: { call: echo.echoWord, with: { word: { value: a }, x-echo-delay: { value: "400" } } }
            b: { call: echo.echoWord, with: { word: { value: b }, x-echo-delay: { value: "400" } } }
`,
)}
  /bff/dependent/{word}:
    parameters: [{ name: word, in: path, required: true, schema: { type: string } }]
${op(
  'dependent',
  `        compose:
          steps:
            first: { call: echo.echoWord, with: { word: request.path.word, x-echo-items: { value: "alpha,beta" } } }
            second: { call: echo.echoWord, with: { word: "steps.first#/items/1" } }
          response: { first: "steps.first#/url", second: "steps.second#/url" }
`,
)}
  /bff/fanout:
    parameters: [{ name: x-items, in: header, schema: { type: string } }]
${op(
  'fanout',
  `        compose:
          steps:
            list: { call: echo.echoWord, with: { word: { value: list }, x-echo-items: request.header.x-items } }
            each:
              call: echo.echoWord
              forEach: "steps.list#/items"
              maxItems: 3
              concurrency: 2
              with: { word: item }
          response: { urls: "steps.each#/*/url" }
`,
)}
  /bff/shape:
${op(
  'shape',
  `        compose:
          steps:
            one: { call: echo.echoWord, with: { word: { value: one } } }
          response:
            $merge: [steps.one]
            nested: { verb: "steps.one#/method", where: "steps.one#/url" }
`,
)}
  /bff/optional:
${op(
  'optional',
  `        compose:
          failures: failures
          steps:
            good: { call: echo.echoWord, with: { word: { value: good } } }
            bad:
              call: echo.echoWord
              optional: true
              with: { word: { value: bad }, x-echo-status: { value: "503" } }
          response: { good: "steps.good#/url", bad: steps.bad }
`,
)}
  /bff/required:
${op(
  'required',
  `        compose:
          steps:
            good: { call: echo.echoWord, with: { word: { value: good } } }
            bad: { call: echo.echoWord, with: { word: { value: bad }, x-echo-status: { value: "500" } } }
`,
)}
  /bff/slow:
${op(
  'slow',
  `        compose:
          steps:
            slow:
              call: echo.echoWord
              timeout: 200ms
              with: { word: { value: slow }, x-echo-delay: { value: "1500" } }
`,
)}
  /bff/body:
    post:
      operationId: body
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties: { word: { type: string }, payload: { type: object } }
      responses: { "200": { description: Composed. } }
      x-gw:
        compose:
          steps:
            post: { call: echo.echoPost, with: { word: "request.body#/word", body: "request.body#/payload" } }
          response: steps.post
  /bff/me:
${op(
  'me',
  `        compose:
          forwardCredentials: true
          steps:
            me: { call: users.getCurrentUser }
            echo: { call: echo.echoWord, with: { word: { value: me } } }
`,
  '\n      security: [{ apiKey: [] }]',
)}
  /bff/me-unforwarded:
${op(
  'meUnforwarded',
  `        compose:
          steps:
            me: { call: users.getCurrentUser }
`,
  '\n      security: [{ apiKey: [] }]',
)}
`;

/** gw.yaml entries of the two services; bff's apiKey takes the users' keys. */
export function composeServicesYaml(echo: string): string {
  return `  - name: echo
    spec: specs/echo.yaml
    upstreams: ["${echo}"]
  - name: bff
    spec: specs/bff.yaml
`;
}

export const COMPOSE_CREDENTIALS_YAML = '  bff.apiKey: { keys: { file: secrets/users.keys } }\n';
