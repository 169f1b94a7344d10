(copied verbatim from gw's templates/nginx/gw-auth.js)
